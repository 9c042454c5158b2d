package dev.depthscope.core.model;

import dev.depthscope.core.config.ModelConfig;

/**
 * The memory a float32 forward pass needs, estimated from the architecture: weights (all blocks
 * resident, or one block at a time when streaming), the transient activations of one block, and the
 * hidden states h_0..h_L an audit keeps.
 *
 * @param residentWeightBytes every weight as float32
 * @param streamedWeightBytes the largest block plus the final norm and one LM-head slice
 * @param blockActivationBytes peak transient activations inside one block
 * @param hiddenStateBytes the L+1 hidden states {@code [B, T, D]}
 */
public record MemoryEstimate(
    long residentWeightBytes,
    long streamedWeightBytes,
    long blockActivationBytes,
    long hiddenStateBytes) {

  /**
   * Estimates a forward over {@code batch} rows of {@code seqLen} tokens.
   *
   * @throws IllegalArgumentException when the byte counts would not fit in a {@code long} (an
   *     absurd batch or sequence length; the config's own sizes are bounded by its parser)
   */
  public static MemoryEstimate of(ModelConfig c, int batch, int seqLen) {
    try {
      return estimate(c, batch, seqLen);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "the memory estimate for batch "
              + batch
              + " x "
              + seqLen
              + " tokens does not fit in 64 bits; use a smaller --batch or --seq-len");
    }
  }

  private static MemoryEstimate estimate(ModelConfig c, int batch, int seqLen) {
    long d = c.hiddenSize();
    long n = (long) batch * seqLen;
    long params = c.parameterCount();
    long embed = (long) c.vocabSize() * d;
    long head = embed;
    long block = (params - embed - (c.tieWordEmbeddings() ? 0 : head) - d) / c.numLayers();
    long headSlice = Math.min(head, CausalLm.HEAD_SLICE_BYTES / 4);
    // MLA heads are qk_head_dim wide (head_dim is only the RoPE part there).
    long q = (long) c.numHeads() * (c.mla() != null ? c.mla().qkHeadDim() : c.headDim());
    long kvExpanded = 2L * q; // k and v after grouped-query expansion
    // scores + probs
    long attnScores = mul(mul(2L * batch, c.numHeads()), mul(seqLen, seqLen));
    long mlp = mul(3L * n, c.intermediateSize());
    if (c.moe() != null) {
      // Each token passes through topK experts and the shared expert; gathered copies of x too.
      long moeWidth =
          (long) c.moe().topK() * c.moe().expertIntermediateSize()
              + c.moe().sharedIntermediateSize();
      mlp = Math.max(mlp, add(mul(3L * n, moeWidth), mul(mul(2L * n, c.moe().topK()), d)));
    }
    long perToken = 4 * d + q + kvExpanded;
    long activations = mul(4L, add(add(mul(n, perToken), attnScores), mlp));
    // Logits and log-softmax of one chunk of positions for one vocabulary slice (CausalLm.head).
    long logits =
        2L
            * Math.min(
                CausalLm.HEAD_CHUNK_BYTES, mul(4L * n, Math.min(c.vocabSize(), headSlice / d)));
    MemoryEstimate m =
        new MemoryEstimate(
            mul(4L, params),
            mul(4L, block + headSlice + d),
            Math.max(activations, logits),
            mul(mul(4L * (c.numLayers() + 1), n), d));
    add(add(m.residentWeightBytes, m.blockActivationBytes), m.hiddenStateBytes); // peaks fit
    return m;
  }

  private static long mul(long a, long b) {
    return Math.multiplyExact(a, b);
  }

  private static long add(long a, long b) {
    return Math.addExact(a, b);
  }

  /** Peak bytes with all weights resident. */
  public long residentPeak() {
    return residentWeightBytes + blockActivationBytes + hiddenStateBytes;
  }

  /** Peak bytes when weights stream one block at a time. */
  public long streamedPeak() {
    return streamedWeightBytes + blockActivationBytes + hiddenStateBytes;
  }

  /** Bytes in human units (binary prefixes), e.g. {@code 1.5 GiB}. */
  public static String human(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? bytes + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
