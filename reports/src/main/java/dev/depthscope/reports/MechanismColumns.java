package dev.depthscope.reports;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.MechanismResult;
import java.util.List;

/**
 * The mechanism columns of the per-layer table (docs/MECHANISM.md): Jacobian deviation and relative
 * update norm with their intervals, and the logit lens of each block's output h_{l+1} (the lens of
 * the embeddings h_0 is in {@code audit.json} only).
 */
final class MechanismColumns {
  private MechanismColumns() {}

  static void add(AuditResult a, int layers, List<LayerTable.Column> cols, List<double[]> data) {
    MechanismResult m = a.mechanism();
    if (m == null) {
      return;
    }
    LayerTable.add(
        cols, data, "jacobian_deviation", "||J\u2212I|| / \u221aN", false, m.jacobianDeviation());
    if (m.jacobianDeviation() != null && m.jacobianDeviationInterval() != null) {
      List<double[]> ci = m.jacobianDeviationInterval();
      LayerTable.add(
          cols,
          data,
          "jacobian_deviation_ci_low",
          "||J\u2212I|| 95% low",
          false,
          LayerTable.column(ci, 0, layers));
      LayerTable.add(
          cols,
          data,
          "jacobian_deviation_ci_high",
          "||J\u2212I|| 95% high",
          false,
          LayerTable.column(ci, 1, layers));
    }
    LayerTable.add(
        cols,
        data,
        "relative_update_norm",
        "||F(H)\u2212H|| / ||H||",
        false,
        m.relativeUpdateNorm());
    if (m.relativeUpdateNorm() != null && m.relativeUpdateNormInterval() != null) {
      List<double[]> ci = m.relativeUpdateNormInterval();
      LayerTable.add(
          cols,
          data,
          "relative_update_norm_ci_low",
          "update norm 95% low",
          false,
          LayerTable.column(ci, 0, layers));
      LayerTable.add(
          cols,
          data,
          "relative_update_norm_ci_high",
          "update norm 95% high",
          false,
          LayerTable.column(ci, 1, layers));
    }
    LayerTable.add(
        cols,
        data,
        "logit_lens_nll",
        "logit lens NLL of h_l+1 (nats)",
        false,
        shift(m.logitLensNll(), layers));
    LayerTable.add(
        cols,
        data,
        "logit_lens_top1_agreement",
        "top-1 = model's (h_l+1)",
        true,
        shift(m.logitLensTop1Agreement(), layers));
  }

  /** Row l gets entry l+1 (the lens of block l's output). */
  private static double[] shift(double[] v, int layers) {
    if (v == null) {
      return null;
    }
    double[] out = new double[layers];
    for (int l = 0; l < layers; l++) {
      out[l] = l + 1 < v.length ? v[l + 1] : Double.NaN;
    }
    return out;
  }
}
