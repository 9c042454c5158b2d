package dev.depthscope.reports.chart;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.RemovalSearchResult;
import dev.depthscope.core.analysis.RemovedSet;
import java.util.Arrays;
import java.util.List;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * "NLL increase vs number of blocks removed": the measured joint cost of each removal-search
 * strategy's set of k blocks (with bootstrap intervals), against what the one-at-a-time ranking
 * predicts (the sum of the k smallest single-block deltas, never measured together).
 */
final class RemovalChart {
  private RemovalChart() {}

  static final String TITLE = "NLL increase vs number of blocks removed";

  /** The series, or null when the audit ran no removal search. */
  static YIntervalSeriesCollection dataset(AuditResult a) {
    RemovalSearchResult s = a.removalSearch();
    if (s == null || a.metrics().pruningDeltaNll() == null) {
      return null;
    }
    YIntervalSeriesCollection data = new YIntervalSeriesCollection();
    add(data, "greedy (measured)", s.greedy());
    add(data, "contiguous by angle (measured)", s.contiguousByAngle());
    add(data, "contiguous by NLL (measured)", s.contiguousByNll());
    double[] singles = a.metrics().pruningDeltaNll().clone();
    Arrays.sort(singles);
    YIntervalSeries sum =
        new YIntervalSeries("sum of the k best single-block deltas (not measured)");
    double total = 0;
    sum.add(0, 0, 0, 0);
    for (int k = 1; k <= s.removeUpTo() && k <= singles.length; k++) {
      total += singles[k - 1];
      sum.add(k, total, total, total);
    }
    data.addSeries(sum);
    return data;
  }

  private static void add(YIntervalSeriesCollection data, String name, List<RemovedSet> sets) {
    if (sets == null) {
      return;
    }
    YIntervalSeries series = new YIntervalSeries(name);
    series.add(0, 0, 0, 0);
    for (RemovedSet r : sets) {
      // Without an interval (one sequence) the bar collapses onto the point.
      double[] ci =
          r.ci95() == null ? new double[] {r.jointDeltaNll(), r.jointDeltaNll()} : r.ci95();
      series.add(r.blocks().size(), r.jointDeltaNll(), ci[0], ci[1]);
    }
    data.addSeries(series);
  }

  /** The chart, or null when the audit ran no removal search. */
  static Chart of(AuditResult a, String model) {
    YIntervalSeriesCollection data = dataset(a);
    if (data == null) {
      return null;
    }
    XYErrorRenderer r = Plots.errorBars(data.getSeriesCount());
    r.setDefaultLinesVisible(true);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      r.setSeriesStroke(
          i, i == data.getSeriesCount() - 1 ? ChartStyle.dashed(1.8f) : ChartStyle.line(1.8f));
    }
    NumberAxis x = new NumberAxis("blocks removed together (k)");
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    XYPlot plot =
        Plots.plot(data, x, Plots.valueAxis("NLL increase (nats per token)", false, true), r);
    return new Chart(
        "removal-search",
        TITLE,
        "Measured NLL increase when k blocks are removed together (replaced by the identity),"
            + " with 95% bootstrap intervals over sequences: greedy (SLEB's rule), the window of k"
            + " consecutive blocks with the smallest last-token angular distance (Gromov et al.),"
            + " and the best window by measured NLL. The dashed line adds up the k smallest"
            + " single-block costs, as a one-at-a-time ranking would; where the measured curves"
            + " rise above it, removal effects compound.",
        Plots.chart(TITLE, model, plot, true));
  }
}
