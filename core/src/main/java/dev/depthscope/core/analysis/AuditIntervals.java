package dev.depthscope.core.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The audit's 95% percentile-bootstrap intervals ({@link Bootstrap}): the NLL cost of removing each
 * block, resampled over sequences, and the multiple-choice change, resampled over questions. With
 * fewer than {@link #MIN_UNITS} units a resample is always the one unit itself and the "interval"
 * would have zero width, so there is none: that list is null and the method says why.
 */
public final class AuditIntervals {
  /** Units (sequences or questions) a bootstrap interval needs at least. */
  public static final int MIN_UNITS = 2;

  private AuditIntervals() {}

  /** What {@link #of} computes, for a status line: how many resamples over what. */
  static String description(int sequences, int questions) {
    List<String> over = new ArrayList<>();
    if (sequences >= MIN_UNITS) {
      over.add(sequences + " sequences");
    }
    if (questions >= MIN_UNITS) {
      over.add(questions + " questions");
    }
    return over.isEmpty()
        ? null
        : "bootstrap intervals ("
            + Bootstrap.RESAMPLES
            + " resamples over "
            + String.join(" and ", over)
            + ")";
  }

  /**
   * The intervals of an audit.
   *
   * @param baseSum summed baseline NLL per sequence (null without NLL data)
   * @param prunedSum {@code [L][sequences]} the same with block l removed
   * @param tokens predicted tokens per sequence
   * @param mcBase 1 or 0 per question for the baseline (null without MC)
   * @param mcPruned {@code [L][questions]} the same with block l removed
   */
  static AuditResult.Uncertainty of(
      double[] baseSum,
      double[][] prunedSum,
      double[] tokens,
      double[] mcBase,
      double[][] mcPruned) {
    StringBuilder method =
        new StringBuilder(
            "95% percentile bootstrap over sequences (NLL) or questions (MC), "
                + Bootstrap.RESAMPLES
                + " resamples, seed "
                + Bootstrap.SEED);
    List<double[]> nll = null;
    if (baseSum != null) {
      if (baseSum.length >= MIN_UNITS) {
        nll = intervals(baseSum, prunedSum, tokens);
      } else {
        method.append(missing("pruning_delta_nll", baseSum.length, "sequences"));
      }
    }
    List<double[]> mc = null;
    if (mcBase != null) {
      if (mcBase.length >= MIN_UNITS) {
        double[] ones = new double[mcBase.length];
        Arrays.fill(ones, 1);
        mc = intervals(mcBase, mcPruned, ones);
      } else {
        method.append(missing("mc_accuracy_delta", mcBase.length, "questions"));
      }
    }
    return new AuditResult.Uncertainty(method.toString(), nll, mc);
  }

  private static String missing(String field, int units, String what) {
    return "; no interval for "
        + field
        + ": needs at least "
        + MIN_UNITS
        + " "
        + what
        + " ("
        + units
        + " given)";
  }

  /** Per layer, the interval of {@code sum(pruned[l] - base) / sum(denominator)}. */
  private static List<double[]> intervals(double[] base, double[][] pruned, double[] denominator) {
    List<double[]> out = new ArrayList<>();
    for (double[] p : pruned) {
      out.add(interval(base, p, denominator));
    }
    return out;
  }

  /**
   * {@code [low, high]} of {@code sum(pruned - base) / sum(denominator)} over the units (sequences
   * or questions), the bootstrap every removal's delta gets: single blocks here, joint removals in
   * {@link JointMeasurement} and {@link JointPhase}. Null with fewer than {@link #MIN_UNITS} units,
   * where every resample is the one unit itself and the interval would have zero width.
   */
  static double[] interval(double[] base, double[] pruned, double[] denominator) {
    if (base.length < MIN_UNITS) {
      return null;
    }
    double[] diff = new double[base.length];
    for (int i = 0; i < diff.length; i++) {
      diff[i] = pruned[i] - base[i];
    }
    Bootstrap.Interval ci = Bootstrap.ratioInterval(diff, denominator);
    return new double[] {ci.low(), ci.high()};
  }
}
