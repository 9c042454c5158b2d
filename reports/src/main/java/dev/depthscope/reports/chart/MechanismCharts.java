package dev.depthscope.reports.chart;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.MechanismResult;
import dev.depthscope.reports.Format;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The charts of the mechanism measurements ({@link MechanismResult}, docs/MECHANISM.md): how close
 * each block is to the identity against depth, and the logit lens. Left out when not measured.
 */
public final class MechanismCharts {
  private MechanismCharts() {}

  /** Series keys of {@link #identity}. */
  public static final String JACOBIAN = "Jacobian deviation ||J\u2212I||_F / \u221a(BTD)",
      UPDATE = "relative update norm ||F(H)\u2212H|| / ||H||";

  /** What the paper predicts, the caption of the identity chart. */
  static final String PREDICTION =
      "How close each block is to the identity map, on this audit's hidden states, with 95%"
          + " bootstrap intervals over sequences (and, for the Jacobian, over its random probes)."
          + " The Curse of Depth paper (Sun et al., 2025) argues that under Pre-LN the variance of"
          + " the residual stream grows with depth, so a deep block's update is small next to the"
          + " stream it is added to and the block's derivative tends to the identity: both curves"
          + " should fall toward 0 with depth, and the deep blocks near 0 are the ones that barely"
          + " contribute. LayerNorm Scaling (norm outputs scaled by 1/\u221al) keeps the variance"
          + " flat and should keep both curves away from 0 in deep blocks. A curve that does not"
          + " fall means this model does not show the mechanism on this data.";

  /** The charts {@code a} has data for, subtitled with {@code model}. */
  public static List<Chart> of(AuditResult a, String model) {
    List<Chart> charts = new ArrayList<>();
    MechanismResult m = a.mechanism();
    if (m == null) {
      return charts;
    }
    int layers = a.model().layers();
    YIntervalSeriesCollection identity = identity(m);
    if (identity != null) {
      XYPlot plot =
          Plots.plot(
              identity,
              Plots.depthAxis(false, Depth.BLOCK, layers),
              Plots.valueAxis("distance from the identity (dimensionless)", false, true),
              Plots.errorBars(identity.getSeriesCount()));
      String title = "Distance of each block from the identity";
      String sub = model;
      if (m.jacobianProbes() != null) {
        sub += ", " + m.jacobianProbes() + " Hutchinson probes per block and batch";
      }
      charts.add(new Chart("mechanism", title, PREDICTION, Plots.chart(title, sub, plot, true)));
    }
    if (m.logitLensNll() != null) {
      XYSeries s = new XYSeries("logit-lens NLL", false, false);
      for (int l = 0; l < m.logitLensNll().length; l++) {
        if (Double.isFinite(m.logitLensNll()[l])) {
          s.add(l, m.logitLensNll()[l]);
        }
      }
      XYPlot plot =
          Plots.plot(
              new XYSeriesCollection(s),
              Plots.layerAxis("hidden state h_l decoded (l = L is the model's output)", 0, layers),
              Plots.valueAxis("next-token NLL (nats)", false, false),
              Plots.lines(1, true));
      Double base = a.metrics().baselineNll();
      if (base != null) {
        Plots.horizontalLine(
            plot,
            base,
            "baseline " + Format.number(base, 4) + " nats",
            new Color(0x66, 0x66, 0x66));
      }
      String title = "Logit lens: what each layer already predicts";
      charts.add(
          new Chart(
              "logit-lens",
              title,
              "Mean next-token NLL when the hidden state h_l is decoded by the final norm and the"
                  + " LM head as if the model ended there (the logit lens); the last point is the"
                  + " model itself. A curve that reaches the baseline well before l = L means the"
                  + " last blocks add little to the prediction. The share of positions whose top"
                  + " token already matches the model's is in the table (logit_lens_top1_agreement).",
              Plots.chart(title, model, plot, false)));
    }
    return charts;
  }

  /** Jacobian deviation and relative update norm per block with intervals; null if neither. */
  public static YIntervalSeriesCollection identity(MechanismResult m) {
    YIntervalSeriesCollection c = new YIntervalSeriesCollection();
    add(c, JACOBIAN, m.jacobianDeviation(), m.jacobianDeviationInterval());
    add(c, UPDATE, m.relativeUpdateNorm(), m.relativeUpdateNormInterval());
    return c.getSeriesCount() == 0 ? null : c;
  }

  private static void add(YIntervalSeriesCollection c, String key, double[] v, List<double[]> ci) {
    if (v == null) {
      return;
    }
    YIntervalSeries s = new YIntervalSeries(key, false, false);
    for (int l = 0; l < v.length; l++) {
      if (!Double.isFinite(v[l])) {
        continue;
      }
      double[] row = ci != null && l < ci.size() ? ci.get(l) : null;
      boolean has = row != null && row.length == 2;
      s.add(l, v[l], has ? row[0] : v[l], has ? row[1] : v[l]);
    }
    c.addSeries(s);
  }
}
