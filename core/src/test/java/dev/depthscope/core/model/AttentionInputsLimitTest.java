package dev.depthscope.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import dev.depthscope.core.TestData;
import dev.depthscope.core.config.ModelConfig;
import org.junit.jupiter.api.Test;

/** The [T, T] attention mask is one array: a length whose square overflows it is refused. */
class AttentionInputsLimitTest {
  @Test
  void aSequenceWhoseMaskWouldOverflowAnArrayIsRefusedBeforeAllocating() {
    ModelConfig c = ModelConfig.load(TestData.model("llama-tiny-bf16"));
    try (NDManager m = Engines.newManager(ai.djl.Device.cpu())) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> new AttentionInputs(m, c, 46341));
      assertTrue(
          e.getMessage().startsWith("sequences of 46341 tokens need an attention mask"),
          e.getMessage());
      try (AttentionInputs ok = new AttentionInputs(m, c, 8)) {
        assertEquals(8, ok.cos().getShape().get(0));
      }
    }
  }
}
