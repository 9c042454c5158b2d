package dev.depthscope.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthscope.core.TestData;
import dev.depthscope.core.config.ModelConfig;
import org.junit.jupiter.api.Test;

/** The head's cost in blocks, worked out by hand from the fixtures' configs. */
class HeadCostTest {
  @Test
  void denseBlockCountsEveryWeightOnce() {
    ModelConfig c = ModelConfig.load(TestData.model("llama-tiny-bf16"));
    // q, k, v, o: 64x64 + 2 x 32x64 + 64x64; SwiGLU 3 x 160x64; two norms of 64.
    double block = 64 * 64 + 2 * 32 * 64 + 64 * 64 + 3 * 160 * 64 + 2 * 64;
    assertEquals(4096 * 64 / block, HeadCost.inBlocks(c), 1e-12);
  }

  @Test
  void moeBlockCountsOnlyTheExpertsATokenIsRoutedTo() {
    ModelConfig c = ModelConfig.load(TestData.model("mixtral-tiny-fp32"));
    // Attention as above, the router 4x64, 2 of the 4 experts of 3 x 160x64, two norms.
    double block = 64 * 64 + 2 * 32 * 64 + 64 * 64 + 4 * 64 + 2 * 3 * 160 * 64 + 2 * 64;
    assertEquals(4096 * 64 / block, HeadCost.inBlocks(c), 1e-12);
  }
}
