package dev.depthscope.reports;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.AuditResult.Metrics;
import dev.depthscope.core.analysis.PeerMetrics;
import java.util.ArrayList;
import java.util.List;

/**
 * The per-layer table of a report, one row per block, shared by the HTML table and {@code
 * layers.csv} so that both always hold the same numbers. Only columns the audit has data for are
 * included.
 *
 * @param columns the value columns, after the block index
 * @param rows one per block l = 0..L-1
 */
public record LayerTable(List<Column> columns, List<Row> rows) {

  public LayerTable {
    columns = List.copyOf(columns);
    rows = List.copyOf(rows);
  }

  /**
   * A value column.
   *
   * @param key CSV header, snake_case as in {@code audit.json}
   * @param header HTML header
   * @param percent whether the values are fractions shown as percentages in HTML
   */
  public record Column(String key, String header, boolean percent) {}

  /**
   * One block.
   *
   * @param block 0-based block index
   * @param ineffective whether removing it costs less than the threshold (null without NLL)
   * @param values one per column; NaN when undefined
   */
  public record Row(int block, Boolean ineffective, double[] values) {}

  /** Builds the table of {@code a}. */
  public static LayerTable of(AuditResult a) {
    Metrics m = a.metrics();
    int layers = a.model().layers();
    List<Column> cols = new ArrayList<>();
    List<double[]> data = new ArrayList<>();
    if (m.variance() != null) {
      // Row l shows the variance of the block's output h_{l+1}; h_0 (embeddings) has no block.
      double[] out = new double[layers];
      for (int l = 0; l < layers; l++) {
        out[l] = l + 1 < m.variance().length ? m.variance()[l + 1] : Double.NaN;
      }
      add(cols, data, "output_variance", "output variance (h_l+1)", false, out);
    }
    add(cols, data, "angular_distance", "angular distance", false, m.angularDistance());
    add(cols, data, "block_influence", "block influence", false, m.blockInfluence());
    PeerMetrics.Values peers = a.peers();
    if (peers != null) {
      add(
          cols,
          data,
          "angular_distance_last_token",
          "angular distance, last token (Gromov, PruneMe)",
          false,
          peers.angularDistanceLastToken());
      add(
          cols,
          data,
          "angular_distance_last_token_post_norm",
          "angular distance, last token, h_L after final norm (as PruneMe reports)",
          false,
          peers.angularDistanceLastTokenPostNorm());
      add(
          cols,
          data,
          "block_influence_post_norm",
          "block influence, h_L after final norm",
          false,
          peers.blockInfluencePostNorm());
      add(
          cols,
          data,
          "block_influence_sum",
          "block influence summed over positions",
          false,
          peers.blockInfluenceSum());
      add(
          cols,
          data,
          "block_influence_sum_post_norm",
          "ShortGPT importance (summed, h_L after final norm)",
          false,
          peers.blockInfluenceSumPostNorm());
    }
    add(cols, data, "pruned_nll", "NLL without block (nats)", false, m.prunedNll());
    add(cols, data, "pruning_delta_nll", "\u0394NLL (nats)", false, m.pruningDeltaNll());
    if (m.pruningDeltaNll() != null
        && a.uncertainty() != null
        && a.uncertainty().pruningDeltaNll() != null) {
      List<double[]> ci = a.uncertainty().pruningDeltaNll();
      add(
          cols,
          data,
          "pruning_delta_nll_ci_low",
          "\u0394NLL 95% low",
          false,
          column(ci, 0, layers));
      add(
          cols,
          data,
          "pruning_delta_nll_ci_high",
          "\u0394NLL 95% high",
          false,
          column(ci, 1, layers));
    }
    add(cols, data, "relative_delta_nll", "\u0394NLL / baseline", true, m.relativeDeltaNll());
    add(cols, data, "mc_pruned_accuracy", "MC accuracy without block", true, m.mcPrunedAccuracy());
    add(cols, data, "mc_accuracy_delta", "MC accuracy change", true, m.mcAccuracyDelta());
    if (m.mcAccuracyDelta() != null
        && a.uncertainty() != null
        && a.uncertainty().mcAccuracyDelta() != null) {
      List<double[]> ci = a.uncertainty().mcAccuracyDelta();
      add(cols, data, "mc_accuracy_delta_ci_low", "MC change 95% low", true, column(ci, 0, layers));
      add(
          cols,
          data,
          "mc_accuracy_delta_ci_high",
          "MC change 95% high",
          true,
          column(ci, 1, layers));
    }
    if (a.mc() != null) {
      add(
          cols,
          data,
          "mc_pruned_acc_norm",
          "MC acc_norm without block",
          true,
          a.mc().prunedAccNorm());
      add(cols, data, "mc_acc_norm_delta", "MC acc_norm change", true, a.mc().accNormDelta());
      List<double[]> ci = a.mc().accNormDeltaCi95();
      if (ci != null && a.mc().accNormDelta() != null) {
        add(
            cols,
            data,
            "mc_acc_norm_delta_ci_low",
            "MC acc_norm change 95% low",
            true,
            column(ci, 0, layers));
        add(
            cols,
            data,
            "mc_acc_norm_delta_ci_high",
            "MC acc_norm change 95% high",
            true,
            column(ci, 1, layers));
      }
    }
    MechanismColumns.add(a, layers, cols, data);
    List<Integer> ineffective = a.summary() == null ? List.of() : a.summary().ineffectiveLayers();
    boolean judged = m.pruningDeltaNll() != null;
    List<Row> rows = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      double[] v = new double[data.size()];
      for (int c = 0; c < v.length; c++) {
        double[] col = data.get(c);
        v[c] = l < col.length ? col[l] : Double.NaN;
      }
      rows.add(new Row(l, judged ? ineffective.contains(l) : null, v));
    }
    return new LayerTable(cols, rows);
  }

  static void add(
      List<Column> cols, List<double[]> data, String key, String header, boolean pct, double[] v) {
    if (v != null) {
      cols.add(new Column(key, header, pct));
      data.add(v);
    }
  }

  static double[] column(List<double[]> ci, int side, int layers) {
    double[] out = new double[layers];
    for (int l = 0; l < layers; l++) {
      double[] row = ci != null && l < ci.size() ? ci.get(l) : null;
      out[l] = row != null && row.length == 2 ? row[side] : Double.NaN;
    }
    return out;
  }
}
