package dev.depthscope.reports;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.AuditSummary;
import dev.depthscope.core.analysis.RemovedSet;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The audit summary in plain words: a one-sentence headline and the facts behind it. Plain text
 * (callers escape it); blocks are numbered from 0 as in {@code audit.json}.
 *
 * @param headline the verdict in one sentence
 * @param facts supporting sentences, most important first
 */
public record Verdict(String headline, List<String> facts) {

  /** Variance growth (h_L over h_1) from which the verdict speaks of a Curse of Depth. */
  static final double CURSE_GROWTH = 2.0;

  public Verdict {
    facts = List.copyOf(facts);
  }

  /** The verdict of {@code a}. */
  public static Verdict of(AuditResult a) {
    AuditSummary s = a.summary();
    int layers = a.model().layers();
    List<String> facts = new ArrayList<>();
    if (s == null || a.metrics().variance() == null) {
      mcFact(a, facts);
      return new Verdict(
          "No hidden-state or NLL metrics: this audit ran on multiple-choice questions only.",
          facts);
    }
    double g = s.varianceGrowth();
    String growthWord = g >= 1 ? "grows" : "shrinks";
    facts.add(
        "Output variance "
            + growthWord
            + " "
            + Format.number(g, 3)
            + "\u00d7 from h_1 to h_"
            + layers
            + "; the growth looks "
            + s.growth()
            + " (fit of ln variance on depth: r\u00b2 = "
            + Format.number(s.logVarianceR2(), 3)
            + ", "
            + signedPercent(Math.expm1(s.logVarianceSlope()))
            + " per layer; linear fit r\u00b2 = "
            + Format.number(s.linearVarianceR2(), 3)
            + ").");
    boolean hasNll = a.metrics().pruningDeltaNll() != null && a.metrics().baselineNll() != null;
    List<Integer> ineff = s.ineffectiveLayers();
    String thr = Format.percent(s.threshold());
    long deep = ineff.stream().filter(l -> 2 * l >= layers).count();
    if (hasNll) {
      String base = Format.number(a.metrics().baselineNll(), 4);
      if (ineff.isEmpty()) {
        facts.add(
            "Every block matters: removing any one of them raises the NLL by at least "
                + thr
                + " of the baseline ("
                + base
                + " nats per token).");
      } else {
        facts.add(
            "Removing any one of "
                + ineff.size()
                + " of the "
                + layers
                + " blocks ("
                + Format.percent(s.ineffectiveFraction())
                + ") raises the NLL by less than "
                + thr
                + " of the baseline ("
                + base
                + " nats per token): blocks "
                + ineff.stream().map(String::valueOf).collect(Collectors.joining(", "))
                + ".");
        if (s.longestRun().size() == 2) {
          int first = s.longestRun().get(0);
          int last = s.longestRun().get(1);
          facts.add(
              first == last
                  ? "No two of them are adjacent."
                  : "The longest run of consecutive such blocks is "
                      + first
                      + "\u2013"
                      + last
                      + " ("
                      + (last - first + 1)
                      + " blocks).");
          if (first != last && s.cut() != null) {
            facts.add(cutFact(s.cut()));
          }
        }
        facts.add(
            deep
                + " of them sit in the deeper half of the model (blocks "
                + (layers + 1) / 2
                + " and up).");
      }
      if (s.cut() == null || s.cut().blocks().size() < 2) {
        facts.add(
            "Blocks are judged one at a time: removing several ineffective blocks together can"
                + " cost more than the sum suggests.");
      }
    }
    mcFact(a, facts);
    facts.add(conventionFact(a));

    String headline;
    if (!hasNll) {
      headline =
          "Output variance "
              + growthWord
              + " "
              + Format.number(g, 3)
              + "\u00d7 with depth (no NLL data to judge single blocks).";
    } else if (g >= CURSE_GROWTH && !ineff.isEmpty() && 2 * deep >= ineff.size()) {
      headline =
          "Signs of the Curse of Depth: the residual variance grows "
              + Format.number(g, 3)
              + "\u00d7 with depth and "
              + ineff.size()
              + " of "
              + layers
              + " blocks, mostly deep ones, each cost less than "
              + thr
              + " of the NLL when removed.";
    } else if (g < CURSE_GROWTH && ineff.isEmpty()) {
      headline =
          "No sign of the Curse of Depth: the variance grows only "
              + Format.number(g, 3)
              + "\u00d7 and every block costs at least "
              + thr
              + " of the NLL when removed.";
    } else {
      headline =
          ineff.size()
              + " of "
              + layers
              + " blocks each cost less than "
              + thr
              + " of the NLL when removed; the residual variance "
              + growthWord
              + " "
              + Format.number(g, 3)
              + "\u00d7 with depth.";
    }
    return new Verdict(headline, facts);
  }

  /**
   * Which hidden states the verdict reads ({@code summary.hidden_state_convention}), and where the
   * numbers in the peers' conventions are.
   */
  static String conventionFact(AuditResult a) {
    String convention = a.summary().hiddenStateConvention();
    String fact =
        "Convention: the variance uses h_L before the model's final norm"
            + (convention == null ? "" : " (" + convention + ")")
            + ", and blocks are judged by their measured NLL change, not by a similarity score;"
            + " ShortGPT, PruneMe and the Curse of Depth paper's code take h_L after the final"
            + " norm, and the angular distance of Gromov et al., PruneMe and the paper is taken at"
            + " the last token only";
    return fact
        + (a.peers() == null
            ? " (this audit did not record their conventions)."
            : ": their numbers are the *_last_token and *_post_norm columns (docs/METRICS.md).");
  }

  /** The measured joint removal of the longest run, against the sum of its single removals. */
  static String cutFact(RemovedSet cut) {
    double ratio = cut.jointDeltaNll() / cut.sumOfSingleDeltas();
    String compared =
        Double.isFinite(ratio) && cut.sumOfSingleDeltas() > 0
            ? " (" + Format.number(ratio, 3) + "\u00d7 the sum)"
            : "";
    return "Removed together, measured, they raise the NLL by "
        + Format.number(cut.jointDeltaNll(), 4)
        + " nats per token ("
        + (cut.ci95() == null
            ? "no interval: one sequence"
            : "95% CI "
                + Format.number(cut.ci95()[0], 4)
                + " to "
                + Format.number(cut.ci95()[1], 4))
        + "); one at a time their costs add up to "
        + Format.number(cut.sumOfSingleDeltas(), 4)
        + compared
        + ".";
  }

  private static void mcFact(AuditResult a, List<String> facts) {
    Double acc = a.metrics().mcAccuracy();
    double[] delta = a.metrics().mcAccuracyDelta();
    if (acc == null || Double.isNaN(acc) || delta == null || delta.length == 0) {
      return;
    }
    int worst = 0;
    for (int l = 1; l < delta.length; l++) {
      if (delta[l] < delta[worst]) {
        worst = l;
      }
    }
    facts.add(
        "Multiple-choice accuracy is "
            + Format.percent(acc)
            + " on "
            + a.eval().mcQuestions()
            + " questions; removing block "
            + worst
            + " changes it the most ("
            + signedPoints(delta[worst])
            + ").");
  }

  private static String signedPercent(double fraction) {
    return (fraction >= 0 ? "+" : "") + Format.percent(fraction);
  }

  private static String signedPoints(double fraction) {
    return (fraction >= 0 ? "+" : "\u2212")
        + Format.number(Math.abs(100 * fraction), 3)
        + " percentage points";
  }
}
