package dev.depthscope.core.model;

import dev.depthscope.core.config.ModelConfig;

/**
 * How many tokens each expert of each MoE layer received, summed over every forward pass it was
 * given to. A token counts once for each of the {@code topK} experts it is routed to, so a layer's
 * counts sum to {@code tokens * topK}. Dense layers have no counts ({@code null}).
 *
 * <p>Block-by-block callers create one per model (or per batch) and pass it to {@link
 * CausalLm#block(int, ai.djl.ndarray.NDArray, AttentionInputs, ExpertLoad)}; {@link
 * CausalLm#trace(long[][])} fills {@link Trace#expertLoad()} the same way. Passing the same
 * ExpertLoad to several batches accumulates their load; it is safe to share between threads.
 */
public final class ExpertLoad {
  private final long[][] counts;

  /** Empty counts shaped for {@code config}: one {@code long[numExperts]} per MoE layer. */
  public ExpertLoad(ModelConfig config) {
    counts = new long[config.numLayers()][];
    for (int l = 0; l < counts.length; l++) {
      if (config.isMoeLayer(l)) {
        counts[l] = new long[config.moe().numExperts()];
      }
    }
  }

  /**
   * Adds {@code tokensPerExpert} to {@code layer}'s counts.
   *
   * @throws IllegalArgumentException when the layer is dense or the length is not the expert count
   */
  public synchronized void add(int layer, long[] tokensPerExpert) {
    long[] c = counts[layer];
    if (c == null || c.length != tokensPerExpert.length) {
      throw new IllegalArgumentException(
          "layer " + layer + " has " + (c == null ? "no experts" : c.length + " experts"));
    }
    for (int e = 0; e < c.length; e++) {
      c[e] += tokensPerExpert[e];
    }
  }

  /** A copy of {@code layer}'s counts, or null for a dense layer. */
  public synchronized long[] layer(int layer) {
    return counts[layer] == null ? null : counts[layer].clone();
  }

  /** A copy of all counts {@code [L][E]}, null rows for dense layers. */
  public synchronized long[][] toArray() {
    long[][] out = new long[counts.length][];
    for (int l = 0; l < counts.length; l++) {
      out[l] = counts[l] == null ? null : counts[l].clone();
    }
    return out;
  }
}
