package dev.depthscope.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.SharedFixtures;
import dev.depthscope.core.config.ModelConfig;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The MoE and MLA families match transformers through the same trace as the dense ones (same
 * tolerances, {@link DenseParityTest#assertTraceMatchesReference}), and the trace counts every
 * routed token once per chosen expert in MoE layers only.
 */
class MoeParityTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "mixtral-tiny-fp32",
        "qwen3-moe-tiny-bf16",
        "deepseek-v2-tiny-fp32",
        "deepseek-v3-tiny-bf16"
      })
  void forwardMatchesTransformersReferenceAndCountsExpertLoad(String name) {
    Trace trace = DenseParityTest.assertTraceMatchesReference(name);
    ModelConfig c = ModelConfig.load(SharedFixtures.model(name));
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
  }
}
