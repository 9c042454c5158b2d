package dev.depthscope.reports.chart;

import dev.depthscope.reports.LabeledAudit;
import dev.depthscope.reports.TrainingCurves;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The charts of a comparison report: each per-layer metric of several audits overlaid (on relative
 * depth when their layer counts differ), then the training curves.
 */
public final class CompareCharts {
  private CompareCharts() {}

  private static final PerLayer[] OVERLAID = {
    PerLayer.VARIANCE,
    PerLayer.ANGULAR_DISTANCE,
    PerLayer.BLOCK_INFLUENCE,
    PerLayer.PRUNING_DELTA_NLL,
    PerLayer.MC_ACCURACY_DELTA
  };

  /** Every overlay some audit has data for, then the training loss chart when curves are given. */
  public static List<Chart> of(List<LabeledAudit> audits, List<TrainingCurves> curves) {
    List<Chart> charts = new ArrayList<>();
    boolean relative = Datasets.needsRelativeDepth(audits);
    int maxLayers = audits.stream().mapToInt(a -> a.audit().model().layers()).max().orElse(1);
    String sub = relative ? "layer counts differ: x is the relative depth" : null;
    for (PerLayer metric : OVERLAID) {
      XYSeriesCollection data = Datasets.overlay(audits, metric, relative);
      if (data == null) {
        continue;
      }
      XYPlot plot =
          Plots.plot(
              data,
              Plots.depthAxis(relative, metric.depth(), maxLayers),
              Plots.valueAxis(metric.axisLabel(), metric.logScale(), metric != PerLayer.VARIANCE),
              Plots.lines(data.getSeriesCount(), true));
      if (metric == PerLayer.MC_ACCURACY_DELTA) {
        Plots.horizontalLine(plot, 0, null, java.awt.Color.GRAY);
      }
      charts.add(
          new Chart(
              "compare-" + metric.name().toLowerCase(Locale.ROOT).replace('_', '-'),
              metric.title(),
              caption(metric),
              Plots.chart(metric.title(), sub, plot, true)));
    }
    Chart loss = AuditCharts.trainingLoss(curves, null);
    if (loss != null) {
      charts.add(loss);
    }
    return charts;
  }

  private static String caption(PerLayer metric) {
    return switch (metric) {
      case VARIANCE -> "Output variance of each hidden state, one line per audit (log scale).";
      case ANGULAR_DISTANCE ->
          "Angular distance between each block's input and output; near 0 means near-identity.";
      case BLOCK_INFLUENCE -> "Block influence 1 \u2212 cos between each block's input and output.";
      case PRUNING_DELTA_NLL ->
          "NLL increase when each block is removed (intervals and thresholds are in each"
              + " audit's own report).";
      case MC_ACCURACY_DELTA ->
          "Multiple-choice accuracy change when each block is removed, in percentage points.";
    };
  }
}
