package dev.depthscope.reports.chart;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.PeerMetrics;
import java.util.Arrays;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * The n-layers-ahead angular distance drawn as the Curse of Depth paper draws it (its repository's
 * {@code utils/angular_analysis.py}; docs/METRICS.md): the matrix transposed to rows n = 1..L-1 of
 * columns l = 0..L-1, where h_L is taken after the final norm, cells beyond the model ({@code l + n
 * > L}) hold 0; each row is clipped to its 1st..99th percentile (linear interpolation between order
 * statistics, as numpy's default) and then min-max scaled to [0, 1] (a row whose percentiles or
 * clipped extremes coincide becomes all 0); finally the cells that reach h_L ({@code l + n >= L})
 * are hidden. The normalization so runs over the whole row, the zeros and the hidden cells
 * included, exactly as the paper's script does.
 */
public final class PaperHeatmap {
  private PaperHeatmap() {}

  /** Percentiles each row is clipped to. */
  static final double LOW = 1, HIGH = 99;

  /**
   * The paper's raw layout {@code [n - 1][l]} of {@code matrix[a][n]} ({@code
   * last_token_angular_matrix}): the cells {@code l + n = L} from {@code toOutputPostNorm[l]} when
   * given (else from the matrix, h_L before the final norm), 0 for {@code l + n > L}; NaN where the
   * matrix has no value.
   */
  public static double[][] layout(Double[][] matrix, double[] toOutputPostNorm, int layers) {
    double[][] raw = new double[Math.max(0, layers - 1)][layers];
    for (int n = 1; n < layers; n++) {
      for (int l = 0; l < layers; l++) {
        double v;
        if (l + n > layers) {
          v = 0;
        } else if (l + n == layers && toOutputPostNorm != null) {
          v = toOutputPostNorm[l];
        } else {
          Double cell = l < matrix.length && n < matrix[l].length ? matrix[l][n] : null;
          v = cell == null ? Double.NaN : cell;
        }
        raw[n - 1][l] = v;
      }
    }
    return raw;
  }

  /** Each row clipped to its 1st..99th percentile, then min-max scaled to [0, 1]. */
  public static double[][] normalizeRows(double[][] raw) {
    double[][] out = new double[raw.length][];
    for (int i = 0; i < raw.length; i++) {
      double[] row = raw[i];
      double[] o = new double[row.length];
      out[i] = o;
      double lo = percentile(row, LOW);
      double hi = percentile(row, HIGH);
      if (lo == hi || Double.isNaN(lo)) {
        continue;
      }
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      for (int k = 0; k < row.length; k++) {
        o[k] = Double.isNaN(row[k]) ? Double.NaN : Math.max(lo, Math.min(hi, row[k]));
        if (!Double.isNaN(o[k])) {
          min = Math.min(min, o[k]);
          max = Math.max(max, o[k]);
        }
      }
      for (int k = 0; k < row.length; k++) {
        o[k] = max == min ? (Double.isNaN(o[k]) ? Double.NaN : 0) : (o[k] - min) / (max - min);
      }
    }
    return out;
  }

  /**
   * The {@code p}-th percentile of the defined values (NaN skipped), interpolating linearly between
   * the order statistics at rank {@code p / 100 * (count - 1)}; NaN when there are none.
   */
  static double percentile(double[] values, double p) {
    double[] s = Arrays.stream(values).filter(v -> !Double.isNaN(v)).sorted().toArray();
    if (s.length == 0) {
      return Double.NaN;
    }
    double rank = p / 100 * (s.length - 1);
    int below = (int) Math.floor(rank);
    int above = Math.min(below + 1, s.length - 1);
    return s[below] + (s[above] - s[below]) * (rank - below);
  }

  /**
   * The shown cells: x = layer l, y = n, z = the row-normalized distance, for {@code l + n < L};
   * null when the audit has no matrix or the model fewer than 2 blocks.
   */
  public static DefaultXYZDataset dataset(AuditResult a) {
    Double[][] m = a.metrics().lastTokenAngularMatrix();
    int layers = a.model().layers();
    if (m == null || layers < 2) {
      return null;
    }
    PeerMetrics.Values peers = a.peers();
    double[][] normed =
        normalizeRows(
            layout(m, peers == null ? null : peers.lastTokenAngularToOutputPostNorm(), layers));
    int count = 0;
    for (int n = 1; n < layers; n++) {
      for (int l = 0; l + n < layers; l++) {
        count += Double.isNaN(normed[n - 1][l]) ? 0 : 1;
      }
    }
    double[][] xyz = new double[3][count];
    int i = 0;
    for (int n = 1; n < layers; n++) {
      for (int l = 0; l + n < layers; l++) {
        if (!Double.isNaN(normed[n - 1][l])) {
          xyz[0][i] = l;
          xyz[1][i] = n;
          xyz[2][i] = normed[n - 1][l];
          i++;
        }
      }
    }
    DefaultXYZDataset d = new DefaultXYZDataset();
    d.addSeries("row-normalized angular distance", xyz);
    return d;
  }
}
