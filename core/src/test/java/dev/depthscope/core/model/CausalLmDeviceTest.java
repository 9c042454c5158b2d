package dev.depthscope.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dev.depthscope.core.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The device a model is opened on: naming the CPU explicitly is the default path, bit for bit, and
 * a GPU the engine cannot see is refused in one line when the model opens. Nothing here runs on a
 * GPU (the build machines have none); the GPU path itself is exercised only where there is one.
 */
class CausalLmDeviceTest {
  private static final long[][] IDS = {{0, 5, 9, 200, 17, 3}, {0, 7, 7, 3, 1000, 42}};

  @ParameterizedTest
  @ValueSource(strings = {"llama-tiny-bf16", "deepseek-v3-tiny-bf16"})
  void openingOnTheCpuExplicitlyTracesExactlyLikeTheDefault(String name) {
    Path dir = TestData.model(name);
    Trace byDefault;
    try (CausalLm lm = CausalLm.open(dir, n -> {})) {
      assertEquals(Device.cpu(), lm.device());
      byDefault = lm.trace(IDS);
    }
    Trace explicit;
    try (CausalLm lm = CausalLm.open(dir, n -> {}, CausalLm.Residency.RESIDENT, Device.cpu())) {
      assertEquals(Device.cpu(), lm.device());
      assertEquals(Device.cpu(), lm.manager().getDevice());
      explicit = lm.trace(IDS);
    }
    for (int l = 0; l < byDefault.hiddenStates().length; l++) {
      assertArrayEquals(byDefault.hiddenStates()[l], explicit.hiddenStates()[l], name + " h_" + l);
    }
    assertArrayEquals(byDefault.tokenNll(), explicit.tokenNll(), name + " token_nll");
    assertArrayEquals(byDefault.logitsLast(), explicit.logitsLast(), name + " logits_last");
    for (int l = 0; l < byDefault.expertLoad().length; l++) {
      assertArrayEquals(byDefault.expertLoad()[l], explicit.expertLoad()[l], name + " load " + l);
    }
  }

  @Test
  void aGpuTheEngineDoesNotSeeIsRefusedInOneLineWhenTheModelOpens() {
    assumeTrue(
        Engine.getEngine("PyTorch").getGpuCount() == 0,
        "this machine has a GPU; the refusal applies to CPU-only libtorch builds");
    Path dir = TestData.model("llama-tiny-bf16");
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> CausalLm.open(dir, n -> {}, CausalLm.Residency.RESIDENT, Device.gpu()));
    assertTrue(e.getMessage().contains("sees 0 GPU(s)"), e.getMessage());
    assertTrue(e.getMessage().contains("CUDA build of libtorch"), e.getMessage());
    assertEquals(1, e.getMessage().lines().count(), e.getMessage());
  }
}
