package dev.depthscope.reports.chart;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.AuditResult.Metrics;
import dev.depthscope.reports.LabeledAudit;
import dev.depthscope.reports.TrainingCurves;
import java.util.List;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * Turns audits into chart datasets, apart from any rendering so that tests can check every plotted
 * value against {@code audit.json}. Each method returns null when the audit lacks the data (an
 * MC-only audit has no variance, a dense model no expert load), and the chart is then left out.
 *
 * <p>Undefined numbers (NaN, written as null in {@code audit.json}) are skipped rather than
 * plotted; so are non-positive variances, which a log axis cannot show.
 */
public final class Datasets {
  private Datasets() {}

  /** Series key of effective blocks in {@link #pruningDelta}. */
  public static final String EFFECTIVE = "effective";

  /** Series key of blocks below the threshold in {@link #pruningDelta}. */
  public static final String INEFFECTIVE = "ineffective (below threshold)";

  /** Series keys of {@link #angularAndInfluence}. */
  public static final String ANGULAR = "angular distance", INFLUENCE = "block influence";

  /**
   * Output variance of the blocks: {@code variance[l]} against l = 1..L (the output of block l-1).
   * The embedding output {@code h_0} is left out: its variance is typically orders of magnitude
   * smaller and, drawn on the same log axis, flattens the growth the chart is about.
   */
  public static XYSeriesCollection variance(AuditResult a) {
    double[] v = a.metrics().variance();
    if (v == null) {
      return null;
    }
    XYSeries s = new XYSeries("variance", false, false);
    addPositive(s, v, 1, Depth.HIDDEN_STATE, v.length - 1, false);
    return new XYSeriesCollection(s);
  }

  /** Angular distance and block influence of block l against l = 0..L-1, two series. */
  public static XYSeriesCollection angularAndInfluence(AuditResult a) {
    Metrics m = a.metrics();
    if (m.angularDistance() == null && m.blockInfluence() == null) {
      return null;
    }
    XYSeriesCollection c = new XYSeriesCollection();
    if (m.angularDistance() != null) {
      c.addSeries(series(ANGULAR, m.angularDistance(), Depth.BLOCK, 0, false));
    }
    if (m.blockInfluence() != null) {
      c.addSeries(series(INFLUENCE, m.blockInfluence(), Depth.BLOCK, 0, false));
    }
    return c;
  }

  /**
   * The n-layers-ahead angular distance: x = start layer a, y = n, z = {@code
   * last_token_angular_matrix[a][n]}, for the defined cells only.
   */
  public static DefaultXYZDataset angularMatrix(AuditResult a) {
    Double[][] m = a.metrics().lastTokenAngularMatrix();
    if (m == null) {
      return null;
    }
    int count = 0;
    for (Double[] row : m) {
      for (Double v : row) {
        count += defined(v) ? 1 : 0;
      }
    }
    if (count == 0) {
      return null;
    }
    double[][] xyz = new double[3][count];
    int i = 0;
    for (int start = 0; start < m.length; start++) {
      for (int n = 0; n < m[start].length; n++) {
        if (defined(m[start][n])) {
          xyz[0][i] = start;
          xyz[1][i] = n;
          xyz[2][i] = m[start][n];
          i++;
        }
      }
    }
    DefaultXYZDataset d = new DefaultXYZDataset();
    d.addSeries("angular distance", xyz);
    return d;
  }

  /**
   * {@code pruning_delta_nll[l]} with its bootstrap interval, split into the series {@link
   * #EFFECTIVE} and {@link #INEFFECTIVE} by the audit's threshold (so they can be coloured apart).
   * Without an interval a point gets a zero-width one.
   */
  public static YIntervalSeriesCollection pruningDelta(AuditResult a) {
    double[] d = a.metrics().pruningDeltaNll();
    if (d == null) {
      return null;
    }
    double limit = thresholdNll(a);
    List<double[]> ci = a.uncertainty() == null ? null : a.uncertainty().pruningDeltaNll();
    YIntervalSeries eff = new YIntervalSeries(EFFECTIVE, false, false);
    YIntervalSeries ineff = new YIntervalSeries(INEFFECTIVE, false, false);
    for (int l = 0; l < d.length; l++) {
      if (Double.isNaN(d[l])) {
        continue;
      }
      double[] iv = interval(ci, l, d[l], 1);
      (d[l] < limit ? ineff : eff).add(l, d[l], iv[0], iv[1]);
    }
    YIntervalSeriesCollection c = new YIntervalSeriesCollection();
    c.addSeries(eff);
    c.addSeries(ineff);
    return c;
  }

  /**
   * The NLL increase below which a block counts as ineffective: {@code threshold * baseline_nll}
   * (nats), NaN when the audit has no NLL.
   */
  public static double thresholdNll(AuditResult a) {
    Double base = a.metrics().baselineNll();
    if (base == null || a.summary() == null) {
      return Double.NaN;
    }
    return a.summary().threshold() * base;
  }

  /**
   * {@code mc_accuracy_delta[l]} in percentage points (pruned minus baseline, so a drop is
   * negative) with its bootstrap interval.
   */
  public static YIntervalSeriesCollection mcAccuracyDelta(AuditResult a) {
    double[] d = a.metrics().mcAccuracyDelta();
    if (d == null) {
      return null;
    }
    List<double[]> ci = a.uncertainty() == null ? null : a.uncertainty().mcAccuracyDelta();
    YIntervalSeries s = new YIntervalSeries("accuracy change", false, false);
    for (int l = 0; l < d.length; l++) {
      if (!Double.isNaN(d[l])) {
        double[] iv = interval(ci, l, d[l], 100);
        s.add(l, 100 * d[l], iv[0], iv[1]);
      }
    }
    YIntervalSeriesCollection c = new YIntervalSeriesCollection();
    c.addSeries(s);
    return c;
  }

  /**
   * Expert load of MoE layers: x = layer, y = expert, z = percent of that layer's routed tokens
   * sent to the expert. Dense layers (null rows) are skipped; null for dense models.
   */
  public static DefaultXYZDataset expertLoad(AuditResult a) {
    long[][] load = a.metrics().expertLoad();
    if (load == null) {
      return null;
    }
    int count = 0;
    for (long[] row : load) {
      count += row == null ? 0 : row.length;
    }
    if (count == 0) {
      return null;
    }
    double[][] xyz = new double[3][count];
    int i = 0;
    for (int l = 0; l < load.length; l++) {
      if (load[l] == null) {
        continue;
      }
      long total = 0;
      for (long t : load[l]) {
        total += t;
      }
      for (int e = 0; e < load[l].length; e++) {
        xyz[0][i] = l;
        xyz[1][i] = e;
        xyz[2][i] = total == 0 ? 0 : 100.0 * load[l][e] / total;
        i++;
      }
    }
    DefaultXYZDataset d = new DefaultXYZDataset();
    d.addSeries("expert load", xyz);
    return d;
  }

  /**
   * Training curves: for each run a series {@code "<name> train"} of (step, loss) and, when it has
   * evaluations, {@code "<name> eval"} of (step, eval loss), in that order.
   */
  public static XYSeriesCollection trainingLoss(List<TrainingCurves> runs) {
    if (runs == null || runs.isEmpty()) {
      return null;
    }
    XYSeriesCollection c = new XYSeriesCollection();
    for (int r = 0; r < runs.size(); r++) {
      TrainingCurves run = runs.get(r);
      // Run names can repeat (two files both named "pre"); series keys must not.
      String name = uniqueName(runs, r);
      XYSeries train = new XYSeries(name + " train", false, true);
      for (double[] p : run.losses()) {
        train.add(p[0], p[1]);
      }
      c.addSeries(train);
      if (!run.evals().isEmpty()) {
        XYSeries eval = new XYSeries(name + " eval", false, true);
        for (double[] p : run.evals()) {
          eval.add(p[0], p[1]);
        }
        c.addSeries(eval);
      }
    }
    return c;
  }

  private static String uniqueName(List<TrainingCurves> runs, int r) {
    String name = runs.get(r).name();
    int before = 0;
    for (int i = 0; i < r; i++) {
      before += runs.get(i).name().equals(name) ? 1 : 0;
    }
    return before == 0 ? name : name + " (" + (before + 1) + ")";
  }

  /**
   * One series per audit of a per-layer metric, for overlays. With {@code relative} the x value is
   * the relative depth (see {@link Depth}), so models with different layer counts line up.
   */
  public static XYSeriesCollection overlay(
      List<LabeledAudit> audits, PerLayer metric, boolean relative) {
    XYSeriesCollection c = new XYSeriesCollection();
    for (LabeledAudit la : audits) {
      double[] v = metric.values(la.audit().metrics());
      if (v == null) {
        continue;
      }
      int layers = la.audit().model().layers();
      XYSeries s = new XYSeries(la.label(), false, true);
      if (metric.logScale()) {
        addPositive(s, v, 1, metric.depth(), layers, relative);
      } else {
        for (int l = 0; l < v.length; l++) {
          if (!Double.isNaN(v[l])) {
            s.add(metric.depth().x(l, layers, relative), metric.scale() * v[l]);
          }
        }
      }
      c.addSeries(s);
    }
    return c.getSeriesCount() == 0 ? null : c;
  }

  /**
   * Whether audits must be overlaid on relative depth: true when their layer counts differ, since
   * block 10 of a 12-layer and of a 32-layer model are not comparable.
   */
  public static boolean needsRelativeDepth(List<LabeledAudit> audits) {
    return audits.stream().mapToInt(a -> a.audit().model().layers()).distinct().count() > 1;
  }

  private static XYSeries series(String key, double[] v, Depth depth, int layers, boolean rel) {
    XYSeries s = new XYSeries(key, false, false);
    for (int l = 0; l < v.length; l++) {
      if (!Double.isNaN(v[l])) {
        s.add(depth.x(l, layers, rel), v[l]);
      }
    }
    return s;
  }

  private static void addPositive(
      XYSeries s, double[] v, int from, Depth depth, int layers, boolean rel) {
    for (int l = from; l < v.length; l++) {
      if (v[l] > 0 && Double.isFinite(v[l])) {
        s.add(depth.x(l, layers, rel), v[l]);
      }
    }
  }

  private static boolean defined(Double v) {
    return v != null && !v.isNaN();
  }

  // The bootstrap interval of layer l scaled by `scale`, or [value, value] when it is missing.
  private static double[] interval(List<double[]> ci, int l, double value, double scale) {
    if (ci != null && l < ci.size() && ci.get(l) != null && ci.get(l).length == 2) {
      double lo = ci.get(l)[0];
      double hi = ci.get(l)[1];
      if (!Double.isNaN(lo) && !Double.isNaN(hi)) {
        return new double[] {scale * lo, scale * hi};
      }
    }
    return new double[] {scale * value, scale * value};
  }
}
