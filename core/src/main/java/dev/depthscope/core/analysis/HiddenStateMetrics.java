package dev.depthscope.core.analysis;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Accumulates the hidden-state metrics of REFERENCE.md over batches, in float64 from the float32
 * hidden states: per-layer variance over the hidden dimension, angular distance and block influence
 * between consecutive layers (averaged over all positions), and the last-position n-layers-ahead
 * angular distance matrix (averaged over sequences).
 *
 * <p>Feed it {@link #observe} for l = 0..L of each batch, in increasing order per batch (batches
 * may interleave). Each batch keeps its own partial sums ({@link Partial}); {@link #values} adds
 * them up in batch order. So the metrics of a set of batches are the same to the bit however the
 * batches were grouped into sweeps (a resumed audit, chunks run on other machines), as long as the
 * partials are reduced in batch order ({@link #reduce}). Not thread-safe.
 */
public final class HiddenStateMetrics implements PruningSweep.HiddenStateObserver {
  private final int layers;
  private final int hidden;
  private final Partial[] partials;

  // Per batch: its shape, the previous layer's state and the last-position vectors so far.
  private final int[] rows;
  private final int[] seqLens;
  private final float[][] previous;
  private final double[][][][] lastTokens; // [batch][layer][row][dim]

  /**
   * Metrics for a model of {@code layers} blocks and width {@code hidden}, observing batches of
   * {@code rows[b]} sequences of {@code seqLens[b]} positions.
   */
  public HiddenStateMetrics(int layers, int hidden, int[] rows, int[] seqLens) {
    this.layers = layers;
    this.hidden = hidden;
    this.partials = new Partial[rows.length];
    this.rows = rows.clone();
    this.seqLens = seqLens.clone();
    this.previous = new float[rows.length][];
    this.lastTokens = new double[rows.length][][][];
  }

  @Override
  public void observe(int b, int layer, float[] h) {
    int d = hidden;
    int batch = rows[b];
    int seqLen = seqLens[b];
    int n = batch * seqLen;
    if (layer == 0) {
      lastTokens[b] = new double[layers + 1][batch][];
      partials[b] =
          new Partial(
              new double[layers + 1],
              new double[layers],
              new double[layers],
              new double[layers + 1][layers + 1],
              0,
              0);
    }
    Partial part = partials[b];
    if (h.length != n * d) {
      throw new IllegalStateException(
          "hidden state has " + h.length + " values, expected " + n * d);
    }
    double var = 0;
    for (int p = 0; p < n; p++) {
      var += positionVariance(h, p * d, d);
    }
    part.variance()[layer] = var;
    if (layer > 0) {
      double ang = 0;
      double infl = 0;
      for (int p = 0; p < n; p++) {
        double c = cosine(previous[b], h, p * d, p * d, d);
        ang += Math.acos(c) / Math.PI;
        infl += 1 - c;
      }
      part.angular()[layer - 1] = ang;
      part.influence()[layer - 1] = infl;
    }
    for (int r = 0; r < batch; r++) {
      int o = (r * seqLen + seqLen - 1) * d;
      double[] v = new double[d];
      for (int k = 0; k < d; k++) {
        v[k] = h[o + k];
      }
      lastTokens[b][layer][r] = v;
      for (int a = 0; a < layer; a++) {
        part.matrix()[a][layer - a] += Math.acos(cosine(lastTokens[b][a][r], v)) / Math.PI;
      }
    }
    previous[b] = h;
    if (layer == layers) {
      partials[b] =
          new Partial(part.variance(), part.angular(), part.influence(), part.matrix(), n, batch);
      previous[b] = null;
      lastTokens[b] = null;
    }
  }

  /**
   * The variance over the hidden dimension of the position at {@code h[o .. o+d)}: float64, the
   * mean subtracted first (two passes, not E[x^2] - E[x]^2, which cancels badly).
   */
  static double positionVariance(float[] h, int o, int d) {
    double mean = 0;
    for (int k = 0; k < d; k++) {
      mean += h[o + k];
    }
    mean /= d;
    double ss = 0;
    for (int k = 0; k < d; k++) {
      double x = h[o + k] - mean;
      ss += x * x;
    }
    return ss / d;
  }

  /** Cosine of two float vectors, computed in float64 and clamped to [-1, 1]. */
  static double cosine(float[] a, float[] b, int oa, int ob, int d) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int k = 0; k < d; k++) {
      double x = a[oa + k];
      double y = b[ob + k];
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    return clamp(dot / Math.sqrt(na * nb));
  }

  static double cosine(double[] a, double[] b) {
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int k = 0; k < a.length; k++) {
      dot += a[k] * b[k];
      na += a[k] * a[k];
      nb += b[k] * b[k];
    }
    return clamp(dot / Math.sqrt(na * nb));
  }

  private static double clamp(double c) {
    // A zero vector has no direction; treat it as orthogonal rather than propagating NaN.
    if (Double.isNaN(c)) {
      return 0;
    }
    return Math.max(-1, Math.min(1, c));
  }

  /** The finished metrics: {@link #reduce} of {@link #partials}. */
  public Values values() {
    return reduce(layers, partials());
  }

  /** The partial sums of every batch observed through layer L, in batch order. */
  public List<Partial> partials() {
    List<Partial> out = new ArrayList<>();
    for (Partial p : partials) {
      if (p != null && p.positions() > 0) {
        out.add(p);
      }
    }
    return out;
  }

  /**
   * The metrics of a model of {@code layers} blocks from the partial sums of its batches, added in
   * the order given (give them in batch order for results independent of how batches were run).
   */
  public static Values reduce(int layers, List<Partial> parts) {
    double[] varianceSum = new double[layers + 1];
    double[] angularSum = new double[layers];
    double[] influenceSum = new double[layers];
    double[][] matrixSum = new double[layers + 1][layers + 1];
    long positions = 0;
    long sequences = 0;
    for (Partial p : parts) {
      for (int l = 0; l <= layers; l++) {
        varianceSum[l] += p.variance()[l];
      }
      for (int l = 0; l < layers; l++) {
        angularSum[l] += p.angular()[l];
        influenceSum[l] += p.influence()[l];
      }
      for (int a = 0; a <= layers; a++) {
        for (int n = 1; n <= layers - a; n++) {
          matrixSum[a][n] += p.matrix()[a][n];
        }
      }
      positions += p.positions();
      sequences += p.sequences();
    }
    if (positions == 0) {
      throw new IllegalStateException("no complete batch observed");
    }
    double[] variance = new double[layers + 1];
    for (int l = 0; l <= layers; l++) {
      variance[l] = varianceSum[l] / positions;
    }
    double[] angular = new double[layers];
    double[] influence = new double[layers];
    for (int l = 0; l < layers; l++) {
      angular[l] = angularSum[l] / positions;
      influence[l] = influenceSum[l] / positions;
    }
    Double[][] matrix = new Double[layers + 1][layers + 1];
    for (int a = 0; a <= layers; a++) {
      for (int n = 1; n <= layers - a; n++) {
        matrix[a][n] = matrixSum[a][n] / sequences;
      }
    }
    return new Values(variance, angular, influence, matrix, positions, sequences);
  }

  /**
   * One batch's sums over its positions (variance, angular distance and block influence per layer)
   * and its sequences (the last-position matrix), before dividing by the counts.
   *
   * @param variance {@code [L+1]} summed per-position variance over the hidden dimension
   * @param angular {@code [L]} summed angular distance between h_l and h_{l+1}
   * @param influence {@code [L]} summed 1 - cosine between h_l and h_{l+1}
   * @param matrix {@code [L+1][L+1]} summed last-position angular distance between h_a and h_{a+n}
   *     at {@code [a][n]} (zero where undefined)
   * @param positions positions summed over (0 until the batch reached layer L)
   * @param sequences sequences summed over
   */
  public record Partial(
      double[] variance,
      double[] angular,
      double[] influence,
      double[][] matrix,
      long positions,
      long sequences)
      implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * The metrics, named as in REFERENCE.md.
   *
   * @param variance {@code [L+1]}
   * @param angularDistance {@code [L]}
   * @param blockInfluence {@code [L]}
   * @param lastTokenAngularMatrix {@code [L+1][L+1]}, null where undefined (n = 0 or a + n > L)
   * @param positions positions averaged over
   * @param sequences sequences averaged over (matrix)
   */
  public record Values(
      double[] variance,
      double[] angularDistance,
      double[] blockInfluence,
      Double[][] lastTokenAngularMatrix,
      long positions,
      long sequences) {}
}
