package dev.depthscope.reports.chart;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.reports.Format;
import dev.depthscope.reports.TrainingCurves;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The charts of a single-audit report, in report order; charts whose data the audit lacks are left
 * out. Titles carry no model name (the page says which model it is); subtitles carry it so that a
 * PNG or SVG copied elsewhere still says what it shows.
 */
public final class AuditCharts {
  private AuditCharts() {}

  /** Every chart the audit (and optional training curves) has data for, our heatmap only. */
  public static List<Chart> of(AuditResult a, List<TrainingCurves> curves) {
    return of(a, curves, HeatmapStyle.OURS);
  }

  /**
   * Every chart the audit (and optional training curves) has data for; with {@link
   * HeatmapStyle#PAPER} the paper's drawing of the angular-distance matrix follows ours.
   */
  public static List<Chart> of(AuditResult a, List<TrainingCurves> curves, HeatmapStyle style) {
    List<Chart> charts = new ArrayList<>();
    String model = a.model().name() + " (" + a.model().layers() + " layers)";
    int layers = a.model().layers();

    XYSeriesCollection variance = Datasets.variance(a);
    if (variance != null && variance.getItemCount(0) > 0) {
      XYPlot plot =
          Plots.plot(
              variance,
              Plots.depthAxis(false, Depth.HIDDEN_STATE, layers),
              Plots.valueAxis(PerLayer.VARIANCE.axisLabel(), true, false),
              Plots.lines(1, true));
      String sub = model;
      if (a.summary() != null && Double.isFinite(a.summary().varianceGrowth())) {
        sub +=
            ": h_L / h_1 = "
                + Format.number(a.summary().varianceGrowth(), 3)
                + "\u00d7, "
                + a.summary().growth()
                + " growth";
      }
      charts.add(
          new Chart(
              "variance",
              PerLayer.VARIANCE.title(),
              "Variance of the residual stream after each block (log scale; the embedding"
                  + " output h_0, variance "
                  + Format.number(a.metrics().variance()[0], 3)
                  + ", is left out). With Pre-LN it grows with depth, so deep blocks change the"
                  + " stream relatively little; LayerNorm Scaling keeps it flat.",
              Plots.chart(PerLayer.VARIANCE.title(), sub, plot, false)));
    }

    XYSeriesCollection angular = Datasets.angularAndInfluence(a);
    if (angular != null) {
      XYPlot plot =
          Plots.plot(
              angular,
              Plots.depthAxis(false, Depth.BLOCK, layers),
              Plots.valueAxis("distance between h_l and h_l+1 (dimensionless)", false, true),
              Plots.lines(angular.getSeriesCount(), true));
      charts.add(
          new Chart(
              "angular-distance",
              "Angular distance and block influence per block",
              "How much each block turns the residual stream: angular distance arccos(cos)/\u03c0"
                  + " and block influence 1 \u2212 cos between its input and output. Values near"
                  + " 0 mean the block is close to the identity.",
              Plots.chart("Angular distance and block influence per block", model, plot, true)));
    }

    DefaultXYZDataset matrix = Datasets.angularMatrix(a);
    if (matrix != null) {
      JFreeChart chart =
          Plots.heatmap(
              "Angular distance n layers ahead (last token)",
              model,
              matrix,
              Plots.layerAxis("start layer a (hidden state h_a)", 0, layers - 1),
              Plots.layerAxis("n (layers ahead)", 1, layers),
              "arccos(cos(h_a, h_a+n)) / \u03c0",
              Plots.maxZ(matrix));
      charts.add(
          new Chart(
              "angular-matrix",
              "Angular distance n layers ahead",
              "Cell (a, n): angular distance between h_a and h_a+n at the last token, averaged"
                  + " over sequences (Gromov et al.). Dark cells at large n for deep a mean that"
                  + " a whole run of deep blocks barely changes the stream.",
              chart));
    }
    if (style == HeatmapStyle.PAPER) {
      Chart paper = paperMatrix(a, model);
      if (paper != null) {
        charts.add(paper);
      }
    }

    YIntervalSeriesCollection delta = Datasets.pruningDelta(a);
    if (delta != null) {
      XYErrorRenderer r = Plots.errorBars(2);
      XYPlot plot =
          Plots.plot(
              delta,
              Plots.depthAxis(false, Depth.BLOCK, layers),
              Plots.valueAxis(PerLayer.PRUNING_DELTA_NLL.axisLabel(), false, true),
              r);
      double limit = Datasets.thresholdNll(a);
      if (Double.isFinite(limit)) {
        Plots.horizontalLine(
            plot,
            limit,
            "threshold "
                + Format.percent(a.summary().threshold())
                + " of baseline NLL = "
                + Format.number(limit, 3)
                + " nats",
            new Color(0x66, 0x66, 0x66));
        ensureVisible(plot, limit);
      }
      String sub = model;
      if (a.metrics().baselineNll() != null) {
        sub += ", baseline NLL " + Format.number(a.metrics().baselineNll(), 4) + " nats";
      }
      charts.add(
          new Chart(
              "pruning-delta-nll",
              PerLayer.PRUNING_DELTA_NLL.title(),
              "NLL with block l replaced by the identity, minus the baseline NLL, with 95%"
                  + " bootstrap intervals over sequences. Blocks under the dashed threshold line"
                  + " count as ineffective.",
              Plots.chart(PerLayer.PRUNING_DELTA_NLL.title(), sub, plot, true)));
    }

    Chart removal = RemovalChart.of(a, model);
    if (removal != null) {
      charts.add(removal);
    }

    charts.addAll(MechanismCharts.of(a, model));

    YIntervalSeriesCollection mc = Datasets.mcAccuracyDelta(a);
    if (mc != null) {
      XYPlot plot =
          Plots.plot(
              mc,
              Plots.depthAxis(false, Depth.BLOCK, layers),
              Plots.valueAxis(PerLayer.MC_ACCURACY_DELTA.axisLabel(), false, true),
              Plots.errorBars(1));
      Plots.horizontalLine(plot, 0, null, new Color(0x66, 0x66, 0x66));
      String sub = model;
      if (a.metrics().mcAccuracy() != null) {
        sub +=
            ", baseline accuracy "
                + Format.percent(a.metrics().mcAccuracy())
                + " on "
                + a.eval().mcQuestions()
                + " questions";
      }
      charts.add(
          new Chart(
              "mc-accuracy-delta",
              PerLayer.MC_ACCURACY_DELTA.title(),
              "Multiple-choice accuracy with block l removed minus the baseline accuracy, in"
                  + " percentage points, with 95% bootstrap intervals over questions; below 0 is"
                  + " a drop.",
              Plots.chart(PerLayer.MC_ACCURACY_DELTA.title(), sub, plot, false)));
    }

    DefaultXYZDataset experts = Datasets.expertLoad(a);
    if (experts != null) {
      int maxExpert = 0;
      for (int i = 0; i < experts.getItemCount(0); i++) {
        maxExpert = Math.max(maxExpert, (int) experts.getYValue(0, i));
      }
      charts.add(
          new Chart(
              "expert-load",
              "Expert load per MoE layer",
              "Share of each MoE layer's routed tokens that went to each expert; dense layers"
                  + " are blank. A balanced router gives every expert the same share.",
              Plots.heatmap(
                  "Expert load per MoE layer",
                  model,
                  experts,
                  Plots.layerAxis("block l", 0, layers - 1),
                  Plots.layerAxis("expert", 0, maxExpert),
                  "% of the layer's routed tokens",
                  Plots.maxZ(experts))));
    }

    Chart loss = trainingLoss(curves, null);
    if (loss != null) {
      charts.add(loss);
    }
    return charts;
  }

  /** The angular-distance matrix drawn the paper's way (see {@link PaperHeatmap}), or null. */
  static Chart paperMatrix(AuditResult a, String model) {
    DefaultXYZDataset d = PaperHeatmap.dataset(a);
    if (d == null) {
      return null;
    }
    int layers = a.model().layers();
    boolean post = a.peers() != null;
    String title = "Angular distance n layers ahead, drawn as in the paper";
    JFreeChart chart =
        Plots.heatmap(
            title,
            model + ": rows normalized (1st\u201399th percentile clip, then min-max)",
            d,
            Plots.layerAxis("layer index l", 0, layers - 2),
            Plots.layerAxis("subsequent n-th layer", 1, layers - 1),
            "normalized distance (0..1 per row)",
            new ReversedScale(new ViridisScale(0, 1)));
    return new Chart(
        "angular-matrix-paper",
        title + " (Sun et al. 2025)",
        "The same last-token distances as the matrix above, the way the Curse of Depth paper's"
            + " repository (utils/angular_analysis.py) draws them: h_L taken after the final"
            + " norm"
            + (post ? "" : " (not recorded in this audit: before it)")
            + ", each row n clipped to its 1st\u201399th percentile and scaled to 0..1 (cells"
            + " beyond the model counting as 0), cells reaching h_L hidden, reversed viridis"
            + " (bright = close to the identity). Colours compare within a row only, not across"
            + " rows or models; the raw values are in the matrix above.",
        chart);
  }

  /** The training loss chart of {@code curves}, or null when there are none. */
  static Chart trainingLoss(List<TrainingCurves> curves, String subtitle) {
    XYSeriesCollection data = Datasets.trainingLoss(curves);
    if (data == null) {
      return null;
    }
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    // One colour per run: its training loss as a thin line, its eval loss as a thick dashed line
    // with markers (series come in that order from Datasets.trainingLoss).
    int run = -1;
    for (int s = 0; s < data.getSeriesCount(); s++) {
      boolean eval = data.getSeriesKey(s).toString().endsWith(" eval");
      run += eval ? 0 : 1;
      r.setSeriesPaint(s, ChartStyle.colour(run));
      r.setSeriesStroke(s, eval ? ChartStyle.dashed(2.2f) : ChartStyle.line(1.2f));
      r.setSeriesShapesVisible(s, eval);
      r.setSeriesShape(s, Plots.dot(7));
    }
    NumberAxis x = new NumberAxis("training step");
    x.setAutoRangeIncludesZero(true);
    XYPlot plot = Plots.plot(data, x, Plots.valueAxis("loss (nats per token)", false, false), r);
    String title = "Training loss";
    return new Chart(
        "training-loss",
        title,
        "Training loss per logged step (thin lines) and evaluation loss (dashed, with markers),"
            + " one colour per run.",
        Plots.chart(title, subtitle, plot, true));
  }

  // Markers do not take part in auto-ranging; widen the range so the threshold line shows.
  static void ensureVisible(XYPlot plot, double y) {
    var axis = plot.getRangeAxis();
    var range = axis.getRange();
    if (y > range.getUpperBound() || y < range.getLowerBound()) {
      double lo = Math.min(range.getLowerBound(), y);
      double hi = Math.max(range.getUpperBound(), y);
      double pad = 0.05 * (hi - lo);
      axis.setRange(
          lo - (y < range.getLowerBound() ? pad : 0), hi + (y > range.getUpperBound() ? pad : 0));
    }
  }
}
