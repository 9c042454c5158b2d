package dev.depthscope.reports;

import dev.depthscope.core.analysis.AuditIntervals;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.AuditSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes an audit's numbers weaker than they look, in plain words: a baseline NLL no better
 * than a uniform guess (an untrained model or the wrong tokenizer), or too few sequences or
 * questions for a bootstrap interval. The console summary prints them as warnings and the report
 * shows them under the verdict. Plain ASCII text (callers escape it).
 */
public final class Caveats {
  private Caveats() {}

  /** The caveats of {@code a}, most serious first; empty when there are none. */
  public static List<String> of(AuditResult a) {
    List<String> out = new ArrayList<>();
    AuditSummary s = a.summary();
    Double base = a.metrics().baselineNll();
    if (s != null && s.baselineAboveUniform() && base != null && s.uniformNll() != null) {
      out.add(
          "baseline NLL "
              + Format.number(base, 4)
              + " nats is at or above ln("
              + Math.round(Math.exp(s.uniformNll()))
              + ") = "
              + Format.number(s.uniformNll(), 4)
              + " nats, the NLL of a uniform guess over the vocabulary: the model predicts this text no better than"
              + " chance (an untrained model, or the wrong tokenizer?), so what removing a block"
              + " costs says little");
    }
    boolean hasNll = a.metrics().pruningDeltaNll() != null;
    List<double[]> nllCi = a.uncertainty() == null ? null : a.uncertainty().pruningDeltaNll();
    if (hasNll && (nllCi == null || a.eval().sequences() < AuditIntervals.MIN_UNITS)) {
      out.add(
          "no interval: needs at least "
              + AuditIntervals.MIN_UNITS
              + " sequences (this audit has "
              + a.eval().sequences()
              + "), so the cost of removing each block comes without a bootstrap interval");
    }
    boolean hasMc = a.metrics().mcAccuracyDelta() != null;
    List<double[]> mcCi = a.uncertainty() == null ? null : a.uncertainty().mcAccuracyDelta();
    if (hasMc && (mcCi == null || a.eval().mcQuestions() < AuditIntervals.MIN_UNITS)) {
      out.add(
          "no interval for the multiple-choice change: needs at least "
              + AuditIntervals.MIN_UNITS
              + " questions (this audit has "
              + a.eval().mcQuestions()
              + ")");
    }
    return out;
  }
}
