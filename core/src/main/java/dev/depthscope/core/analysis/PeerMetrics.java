package dev.depthscope.core.analysis;

import java.util.function.UnaryOperator;

/**
 * Accumulates the layer metrics in the conventions of the tools people compare depthscope with
 * (ShortGPT, PruneMe, Gromov et al., the Curse of Depth paper's repository; see {@code
 * docs/METRICS.md}), beside our own {@link HiddenStateMetrics}, from the same baseline hidden
 * states:
 *
 * <ul>
 *   <li>the angular distance of each block at the <em>last</em> position of each sequence (ours
 *       averages over all positions);
 *   <li>block influence summed over positions, as ShortGPT reports it (ours is a mean);
 *   <li>{@code post_norm} variants, where the last hidden state h_L is taken after the model's
 *       final norm, as every peer takes it (they read {@code output_hidden_states}, whose last
 *       entry is normalized); ours is before it.
 * </ul>
 *
 * <p>In float64 from the float32 states. Feed it {@link #observe} for l = 0..L of each batch, in
 * increasing order per batch (batches may interleave); compose it with other observers. Not
 * thread-safe.
 */
public final class PeerMetrics implements PruningSweep.HiddenStateObserver {
  private final int layers;
  private final int hidden;
  private final UnaryOperator<float[]> finalNorm;
  private final double[] angularLastSum;
  private final double[] influenceSum;
  private double angularLastPostSum;
  private double influencePostSum;
  private final double[] toOutputPostSum;
  private long positions;
  private long sequences;

  private final int[] rows;
  private final int[] seqLens;
  private final float[][] previous;
  private final float[][][][] lastTokens; // [batch][layer][row][dim], layers 0..L-1

  /**
   * Peer metrics for a model of {@code layers} blocks and width {@code hidden}, observing batches
   * of {@code rows[b]} sequences of {@code seqLens[b]} positions; {@code finalNorm} maps a state
   * {@code [n * D]} to the model's final norm of it (row-wise, same shape).
   */
  public PeerMetrics(
      int layers, int hidden, int[] rows, int[] seqLens, UnaryOperator<float[]> finalNorm) {
    this.layers = layers;
    this.hidden = hidden;
    this.finalNorm = finalNorm;
    this.angularLastSum = new double[layers];
    this.influenceSum = new double[layers];
    this.toOutputPostSum = new double[layers];
    this.rows = rows.clone();
    this.seqLens = seqLens.clone();
    this.previous = new float[rows.length][];
    this.lastTokens = new float[rows.length][][][];
  }

  @Override
  public void observe(int b, int layer, float[] h) {
    int d = hidden;
    int batch = rows[b];
    int seqLen = seqLens[b];
    int n = batch * seqLen;
    if (h.length != n * d) {
      throw new IllegalStateException(
          "hidden state has " + h.length + " values, expected " + n * d);
    }
    if (layer == 0) {
      lastTokens[b] = new float[layers][batch][];
    }
    if (layer > 0) {
      float[] before = previous[b];
      influenceSum[layer - 1] += influence(before, h, n);
      angularLastSum[layer - 1] += lastTokenAngular(before, h, batch, seqLen);
      if (layer == layers) {
        float[] normed = finalNorm.apply(h);
        if (normed.length != h.length) {
          throw new IllegalStateException(
              "final norm returned " + normed.length + " values, expected " + h.length);
        }
        influencePostSum += influence(before, normed, n);
        angularLastPostSum += lastTokenAngular(before, normed, batch, seqLen);
        for (int r = 0; r < batch; r++) {
          int o = last(r, seqLen);
          for (int a = 0; a < layers; a++) {
            toOutputPostSum[a] += angular(lastTokens[b][a][r], 0, normed, o);
          }
        }
      }
    }
    if (layer < layers) {
      for (int r = 0; r < batch; r++) {
        int o = last(r, seqLen);
        float[] v = new float[d];
        System.arraycopy(h, o, v, 0, d);
        lastTokens[b][layer][r] = v;
      }
      previous[b] = h;
    } else {
      positions += n;
      sequences += batch;
      previous[b] = null;
      lastTokens[b] = null;
    }
  }

  private int last(int row, int seqLen) {
    return (row * seqLen + seqLen - 1) * hidden;
  }

  /** Sum over the n positions of {@code 1 - cos(a, b)}. */
  private double influence(float[] a, float[] b, int n) {
    double s = 0;
    for (int p = 0; p < n; p++) {
      s += 1 - HiddenStateMetrics.cosine(a, b, p * hidden, p * hidden, hidden);
    }
    return s;
  }

  /** Sum over the sequences of the angular distance at their last position. */
  private double lastTokenAngular(float[] a, float[] b, int batch, int seqLen) {
    double s = 0;
    for (int r = 0; r < batch; r++) {
      int o = last(r, seqLen);
      s += angular(a, o, b, o);
    }
    return s;
  }

  private double angular(float[] a, int oa, float[] b, int ob) {
    return Math.acos(HiddenStateMetrics.cosine(a, b, oa, ob, hidden)) / Math.PI;
  }

  /** The finished metrics. */
  public Values values() {
    if (positions == 0) {
      throw new IllegalStateException("no complete batch observed");
    }
    double[] angular = new double[layers];
    double[] influenceMeanPost = new double[layers];
    double[] sum = influenceSum.clone();
    double[] sumPost = influenceSum.clone();
    double[] toOutput = new double[layers];
    for (int l = 0; l < layers; l++) {
      angular[l] = angularLastSum[l] / sequences;
      toOutput[l] = toOutputPostSum[l] / sequences;
    }
    sumPost[layers - 1] = influencePostSum;
    for (int l = 0; l < layers; l++) {
      influenceMeanPost[l] = sumPost[l] / positions;
    }
    double[] angularPost = angular.clone();
    angularPost[layers - 1] = angularLastPostSum / sequences;
    return new Values(
        angular, angularPost, influenceMeanPost, sum, sumPost, toOutput, positions, sequences);
  }

  /**
   * The peers' metrics, named for what they are; {@code [L]} arrays indexed by block l (from h_l to
   * h_{l+1}). A {@code _post_norm} array equals its plain counterpart except where h_L takes part,
   * which is there after the final norm.
   *
   * @param angularDistanceLastToken {@code arccos(cos(h_l, h_{l+1})) / pi} at the last position,
   *     averaged over sequences (Gromov et al., PruneMe, ShortGPT's angular option with n = 1), h_L
   *     before the final norm
   * @param angularDistanceLastTokenPostNorm the same with h_L after the final norm (what those
   *     tools report; differs in the last entry only)
   * @param blockInfluencePostNorm {@code 1 - cos(h_l, h_{l+1})} averaged over all positions, h_L
   *     after the final norm (ShortGPT's ranking; differs from {@code block_influence} in the last
   *     entry only)
   * @param blockInfluenceSum {@code 1 - cos(h_l, h_{l+1})} summed over all positions (ShortGPT's
   *     scale), h_L before the final norm
   * @param blockInfluenceSumPostNorm the same with h_L after the final norm: ShortGPT's importance
   * @param lastTokenAngularToOutputPostNorm entry a = 0..L-1: {@code arccos(cos(h_a, norm(h_L))) /
   *     pi} at the last position, averaged over sequences; the cells {@code a + n = L} of {@code
   *     last_token_angular_matrix} as the Curse of Depth paper's repository computes them
   * @param positions positions summed or averaged over
   * @param sequences sequences averaged over (last-position metrics)
   */
  public record Values(
      double[] angularDistanceLastToken,
      double[] angularDistanceLastTokenPostNorm,
      double[] blockInfluencePostNorm,
      double[] blockInfluenceSum,
      double[] blockInfluenceSumPostNorm,
      double[] lastTokenAngularToOutputPostNorm,
      long positions,
      long sequences) {}
}
