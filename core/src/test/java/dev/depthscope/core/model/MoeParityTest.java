package dev.depthscope.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.config.ModelConfig;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The MoE and MLA families match transformers through the same trace as the dense ones (same
 * tolerances, {@link DenseParityTest#assertTraceMatchesReference}), and the trace counts every
 * routed token once per chosen expert in MoE layers only, exactly as transformers routes them.
 */
class MoeParityTest {

  @ParameterizedTest
  @MethodSource("dev.depthscope.core.TestData#moeModels")
  void forwardMatchesTransformersReferenceAndCountsExpertLoad(String name) {
    Trace trace = DenseParityTest.assertTraceMatchesReference(name);
    ModelConfig c = ModelConfig.load(TestData.model(name));
    assertNotNull(c.moe(), name + " is a MoE family");
    long routed = (long) trace.batch() * trace.seqLen() * c.moe().topK();
    boolean sawMoe = false;
    for (int l = 0; l < c.numLayers(); l++) {
      long[] load = trace.expertLoad()[l];
      if (!c.isMoeLayer(l)) {
        assertNull(load, name + ": dense layer " + l + " has no expert load");
        continue;
      }
      sawMoe = true;
      assertEquals(c.moe().numExperts(), load.length, name + ": layer " + l);
      assertEquals(routed, Arrays.stream(load).sum(), name + ": layer " + l + " load");
      assertTrue(Arrays.stream(load).allMatch(x -> x >= 0 && x <= routed / c.moe().topK()));
    }
    assertTrue(sawMoe, name + " has MoE layers");
    long[][] want = TRANSFORMERS_LOAD.get(name);
    for (int l = 0; l < c.numLayers(); l++) {
      assertArrayEquals(want[l], trace.expertLoad()[l], name + ": layer " + l + " vs transformers");
    }
  }

  /**
   * Tokens per expert that transformers 5.17 routes on each fixture's reference input (counted with
   * {@code torch.bincount} over the router's top-k indices); null for dense layers.
   */
  private static final Map<String, long[][]> TRANSFORMERS_LOAD =
      Map.of(
          "mixtral-tiny-fp32",
          new long[][] {{54, 40, 89, 9}, {33, 74, 61, 24}, {45, 73, 63, 11}, {75, 60, 48, 9}},
          "qwen3-moe-tiny-bf16",
          new long[][] {
            {40, 8, 30, 27, 12, 31, 23, 21},
            {67, 14, 11, 16, 2, 41, 25, 16},
            {4, 1, 0, 89, 3, 8, 82, 5},
            {27, 0, 33, 51, 41, 1, 14, 25}
          },
          "deepseek-v2-tiny-fp32",
          new long[][] {null, {75, 52, 39, 26}, {22, 30, 93, 47}},
          "deepseek-v3-tiny-bf16",
          new long[][] {
            null,
            {15, 26, 28, 35, 21, 18, 14, 35},
            {27, 19, 25, 13, 24, 40, 34, 10},
            {22, 38, 47, 13, 18, 14, 26, 14}
          });
}
