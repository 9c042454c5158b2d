package dev.depthscope.reports.chart;

import dev.depthscope.core.analysis.AuditResult.Metrics;
import java.util.function.Function;

/**
 * The per-layer metrics that comparison charts overlay, with how each is plotted.
 *
 * <p>The chart and axis texts live here so that single and comparison reports describe a metric the
 * same way.
 */
public enum PerLayer {
  /** {@code variance[l]} on a log axis. */
  VARIANCE(
      Metrics::variance,
      Depth.HIDDEN_STATE,
      true,
      1,
      "Output variance per layer",
      "variance of h_l over the hidden dimension (log scale)"),
  /** {@code angular_distance[l]}. */
  ANGULAR_DISTANCE(
      Metrics::angularDistance,
      Depth.BLOCK,
      false,
      1,
      "Angular distance between a block's input and output",
      "arccos(cos(h_l, h_l+1)) / \u03c0"),
  /** {@code block_influence[l]}. */
  BLOCK_INFLUENCE(
      Metrics::blockInfluence,
      Depth.BLOCK,
      false,
      1,
      "Block influence (ShortGPT)",
      "1 \u2212 cos(h_l, h_l+1)"),
  /** {@code pruning_delta_nll[l]}. */
  PRUNING_DELTA_NLL(
      Metrics::pruningDeltaNll,
      Depth.BLOCK,
      false,
      1,
      "NLL increase when one block is removed",
      "\u0394 NLL (nats per token)"),
  /** {@code mc_accuracy_delta[l]}, in percentage points. */
  MC_ACCURACY_DELTA(
      Metrics::mcAccuracyDelta,
      Depth.BLOCK,
      false,
      100,
      "Multiple-choice accuracy change when one block is removed",
      "accuracy change (percentage points)");

  private final Function<Metrics, double[]> values;
  private final Depth depth;
  private final boolean logScale;
  private final double scale;
  private final String title;
  private final String axisLabel;

  PerLayer(
      Function<Metrics, double[]> values,
      Depth depth,
      boolean logScale,
      double scale,
      String title,
      String axisLabel) {
    this.values = values;
    this.depth = depth;
    this.logScale = logScale;
    this.scale = scale;
    this.title = title;
    this.axisLabel = axisLabel;
  }

  /** The raw values from {@code audit.json}, or null when absent. */
  public double[] values(Metrics m) {
    return m == null ? null : values.apply(m);
  }

  /** Whether the values are indexed by hidden state or by block. */
  public Depth depth() {
    return depth;
  }

  /** Whether the value axis is logarithmic (then non-positive values are left out). */
  public boolean logScale() {
    return logScale;
  }

  /** Factor from the stored value to the plotted one (100 for fractions shown in points). */
  public double scale() {
    return scale;
  }

  /** Chart title. */
  public String title() {
    return title;
  }

  /** Value axis label, with units. */
  public String axisLabel() {
    return axisLabel;
  }
}
