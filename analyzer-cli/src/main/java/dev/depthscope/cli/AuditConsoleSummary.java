package dev.depthscope.cli;

import dev.depthscope.core.analysis.AuditIntervals;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.AuditSummary;
import dev.depthscope.core.analysis.RemovedSet;
import dev.depthscope.reports.Caveats;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The few lines an audit prints: what was measured and which layers barely matter, then a warning
 * line per {@link Caveats caveat}.
 */
final class AuditConsoleSummary {
  private final AuditResult r;

  AuditConsoleSummary(AuditResult r) {
    this.r = r;
  }

  void print(PrintWriter o) {
    AuditResult.ModelInfo m = r.model();
    AuditResult.EvalInfo e = r.eval();
    AuditResult.Metrics x = r.metrics();
    o.printf(
        Locale.ROOT,
        "%s (%s, %d layers) on %s%n",
        m.name(),
        m.architecture(),
        m.layers(),
        e.source());
    if (x.baselineNll() != null) {
      o.printf(
          Locale.ROOT,
          "  baseline NLL        %.4f nats (perplexity %.2f) over %s in %s%n",
          x.baselineNll(),
          x.baselinePerplexity(),
          Counts.of(e.tokens(), "token"),
          Counts.of(e.sequences(), "sequence"));
    }
    AuditSummary s = r.summary();
    if (s != null) {
      o.printf(
          Locale.ROOT,
          "  variance growth     %.2fx from h_1 to h_%d; ln-variance slope %.4f/layer, r^2 %.3f"
              + " (%s growth; linear r^2 %.3f)%n",
          s.varianceGrowth(),
          m.layers(),
          s.logVarianceSlope(),
          s.logVarianceR2(),
          s.growth(),
          s.linearVarianceR2());
      o.printf(
          Locale.ROOT,
          "  ineffective blocks  %d of %d (%.0f%%) raise NLL by less than %.1f%% when removed%s%n",
          s.ineffectiveLayers().size(),
          m.layers(),
          100 * s.ineffectiveFraction(),
          100 * s.threshold(),
          s.ineffectiveLayers().isEmpty() ? "" : ": " + list(s.ineffectiveLayers()));
      if (!s.longestRun().isEmpty()) {
        int a = s.longestRun().get(0);
        int b = s.longestRun().get(1);
        o.printf(
            Locale.ROOT,
            "  longest run         blocks %d..%d (%s)%n",
            a,
            b,
            Counts.of(b - a + 1, "contiguous block"));
        RemovedSet cut = s.cut();
        if (cut != null) {
          String cutCi =
              cut.ci95() == null
                  ? "no interval: needs at least " + AuditIntervals.MIN_UNITS + " sequences"
                  : String.format(
                      Locale.ROOT, "95%% CI %+.4f..%+.4f", cut.ci95()[0], cut.ci95()[1]);
          o.printf(
              Locale.ROOT,
              "  removed together    they cost %+.4f nats (%s), measured;"
                  + " one at a time they add up to %+.4f%n",
              cut.jointDeltaNll(),
              cutCi,
              cut.sumOfSingleDeltas());
        }
      }
      double[] d = x.pruningDeltaNll();
      int most = 0;
      for (int l = 1; l < d.length; l++) {
        if (d[l] > d[most]) {
          most = l;
        }
      }
      List<double[]> intervals = r.uncertainty().pruningDeltaNll();
      String ci =
          intervals == null
              ? "no interval: needs at least " + AuditIntervals.MIN_UNITS + " sequences"
              : String.format(
                  Locale.ROOT,
                  "95%% CI %+.4f..%+.4f",
                  intervals.get(most)[0],
                  intervals.get(most)[1]);
      o.printf(
          Locale.ROOT,
          "  most important      block %d: removing it costs %+.4f nats (%s)%n",
          most,
          d[most],
          ci);
    }
    if (x.mcAccuracy() != null) {
      double[] delta = x.mcAccuracyDelta();
      int worst = 0;
      for (int l = 1; l < delta.length; l++) {
        if (delta[l] < delta[worst]) {
          worst = l;
        }
      }
      o.printf(
          Locale.ROOT,
          "  MC accuracy         %.1f%% on %s; removing block %d changes it most"
              + " (%+.1f points)%n",
          100 * x.mcAccuracy(),
          Counts.of(e.mcQuestions(), "question"),
          worst,
          100 * delta[worst]);
    }
    if (r.mc() != null) {
      o.printf(
          Locale.ROOT,
          "  MC (lm-eval)        acc %.1f%%, acc_norm %.1f%% (%s); per-question log-likelihoods"
              + " in %s%n",
          100 * r.mc().acc(),
          100 * r.mc().accNorm(),
          r.mc().format(),
          r.mc().samplesFile());
    }
    if (s != null) {
      o.printf(
          Locale.ROOT,
          "  convention          %s: h_L before the final norm, blocks judged by measured NLL;"
              + " the peers' post-norm, last-token numbers are under \"peers\" in audit.json%n",
          s.hiddenStateConvention() == null ? "pre_final_norm" : s.hiddenStateConvention());
    }
    o.printf(
        Locale.ROOT,
        "  sweep               %d block evaluations (separate full passes: %d), %.1f s%n",
        r.sweep().blockEvaluations(),
        r.sweep().naiveBlockEvaluations(),
        r.timings().getOrDefault("total_seconds", Double.NaN));
    for (String caveat : Caveats.of(r)) {
      o.println("  warning: " + caveat);
    }
  }

  private static String list(List<Integer> layers) {
    return layers.stream().map(String::valueOf).collect(Collectors.joining(", "));
  }
}
