package dev.depthscope.core.model;

import dev.depthscope.core.config.ModelConfig;
import java.util.Map;

/**
 * What the LM head costs next to a block, for progress bars that count both: the head's weights per
 * position ({@code vocab x hidden}) over the weights one position meets in an average block (a MoE
 * block's routed experts counted {@code topK} of {@code numExperts}), i.e. matmul work per token;
 * attention's {@code T^2} part is left out. About 2.4 for Llama-3-8B, 10 for Qwen3-0.6B, whose
 * 152k-word vocabulary makes the head a large part of an audit.
 */
public final class HeadCost {
  private HeadCost() {}

  /** The head's matmul work per position in blocks (the mean over the model's blocks). */
  public static double inBlocks(ModelConfig c) {
    double sum = 0;
    for (int l = 0; l < c.numLayers(); l++) {
      double active = 0;
      for (Map.Entry<String, long[]> e : BlockWeights.spec(c, l).entrySet()) {
        long n = 1;
        for (long x : e.getValue()) {
          n *= x;
        }
        boolean routed = e.getKey().contains(".experts.");
        active += routed ? n * (double) c.moe().topK() / c.moe().numExperts() : n;
      }
      sum += active;
    }
    return (double) c.vocabSize() * c.hiddenSize() / (sum / c.numLayers());
  }
}
