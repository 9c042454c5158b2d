package dev.depthscope.core.model;

/**
 * Everything one forward pass over a batch produced, in the layout of REFERENCE.md.
 *
 * @param layers number of blocks L
 * @param batch rows B
 * @param seqLen tokens per row T
 * @param hidden width D
 * @param vocab vocabulary size V
 * @param hiddenStates {@code L + 1} arrays {@code [B, T, D]}: h_0 is the embedding output, h_l the
 *     residual stream leaving block l-1 (before the final norm)
 * @param tokenNll {@code [B, T-1]}: natural-log cross-entropy of token t+1 given tokens 0..t
 * @param logitsLast {@code [B, V]}: logits at the last position of each row
 * @param expertLoad per layer, how many tokens each expert received ({@code [L][E]}; a row is null
 *     for a dense layer, all rows are null for a dense model); see {@link ExpertLoad}
 */
public record Trace(
    int layers,
    int batch,
    int seqLen,
    int hidden,
    int vocab,
    float[][] hiddenStates,
    float[] tokenNll,
    float[] logitsLast,
    long[][] expertLoad) {

  /** A trace without expert counts (a dense model). */
  public Trace(
      int layers,
      int batch,
      int seqLen,
      int hidden,
      int vocab,
      float[][] hiddenStates,
      float[] tokenNll,
      float[] logitsLast) {
    this(
        layers,
        batch,
        seqLen,
        hidden,
        vocab,
        hiddenStates,
        tokenNll,
        logitsLast,
        new long[layers][]);
  }

  /** Mean of {@link #tokenNll} in float64 (nats). */
  public double meanNll() {
    double s = 0;
    for (float v : tokenNll) {
      s += v;
    }
    return tokenNll.length == 0 ? Double.NaN : s / tokenNll.length;
  }
}
