package dev.depthscope.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.TestData;
import dev.depthscope.core.checkpoint.CheckpointException;
import dev.depthscope.core.checkpoint.PatchedCheckpoint;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * No forward pass goes on from a non-finite number: a NaN or infinite weight stops it when the
 * tensor loads (resident or streaming), a block whose output overflows float32 stops it naming the
 * block, and a non-finite NLL stops the head.
 */
class NonFiniteForwardTest {
  private static final long[][] IDS = {{0, 5, 9, 200, 17, 3}, {1, 7, 7, 3, 1000, 42}};

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(CausalLm.Residency.class)
  void aNanWeightInABf16BlockStopsTheForwardNamingTheTensor(CausalLm.Residency residency)
      throws IOException {
    String name = "model.layers.1.self_attn.q_proj.weight";
    Path dir =
        PatchedCheckpoint.copyWith(
            TestData.model("llama-tiny-bf16"), tmp.resolve("m"), name, 321, Float.NaN);
    try (CausalLm lm = CausalLm.open(dir, n -> {}, residency)) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> lm.trace(IDS));
      assertTrue(
          e.getMessage().contains("\"" + name + "\" has a non-finite weight (NaN)"),
          e.getMessage());
      assertTrue(e.getMessage().contains("at element 321 "), e.getMessage());
    }
  }

  @ParameterizedTest
  @EnumSource(CausalLm.Residency.class)
  void anInfiniteWeightInAShardedF32CheckpointIsRefused(CausalLm.Residency residency)
      throws IOException {
    String name = "lm_head.weight";
    Path dir =
        PatchedCheckpoint.copyWith(
            TestData.model("llama-tiny-sharded-fp32"),
            tmp.resolve("m"),
            name,
            4096L * 64 - 1,
            Float.NEGATIVE_INFINITY);
    try (CausalLm lm = CausalLm.open(dir, n -> {}, residency)) {
      String m = assertThrows(CheckpointException.class, () -> lm.trace(IDS)).getMessage();
      assertTrue(m.contains(".safetensors: tensor \"lm_head.weight\""), m);
      assertTrue(m.contains("(-Inf) at element " + (4096L * 64 - 1) + " "), m);
    }
  }

  @ParameterizedTest
  @EnumSource(CausalLm.Residency.class)
  void aBlockWhoseActivationsOverflowIsNamed(CausalLm.Residency residency) throws IOException {
    // 1e38 is a finite bf16 weight, but the attention scores it leads to overflow float32.
    Path dir =
        PatchedCheckpoint.copyWith(
            TestData.model("llama-tiny-bf16"),
            tmp.resolve("m"),
            "model.layers.2.input_layernorm.weight",
            5,
            1e38f);
    try (CausalLm lm = CausalLm.open(dir, n -> {}, residency)) {
      NonFiniteException e = assertThrows(NonFiniteException.class, () -> lm.trace(IDS));
      assertTrue(
          e.getMessage()
              .startsWith("block 2 (model.layers.2) produced a non-finite hidden state ("),
          e.getMessage());
      assertFalse(e.getMessage().contains("\n"), e.getMessage());
      assertEquals(-1, e.row());
    }
  }

  @Test
  void theHeadRefusesAStateThatGivesANonFiniteNll() {
    try (CausalLm lm = CausalLm.open(TestData.model("llama-tiny-bf16"), n -> {});
        NDManager m = lm.manager().newSubManager()) {
      float[] h = lm.embed(m, IDS).toFloatArray();
      // Row 1, position 2: one infinite coordinate makes the RMS norm's output NaN there.
      h[(1 * IDS[0].length + 2) * lm.config().hiddenSize()] = Float.POSITIVE_INFINITY;
      NDArray state = m.create(h, new ai.djl.ndarray.types.Shape(2, IDS[0].length, 64));
      NonFiniteException e = assertThrows(NonFiniteException.class, () -> lm.head(state, IDS));
      assertTrue(
          e.getMessage().startsWith("the final norm and LM head produced a non-finite NLL ("),
          e.getMessage());
      assertEquals(1, e.row());
      assertTrue(
          e.on("on batch 3 of 4").getMessage().contains("(NaN) on batch 3 of 4; "),
          e.on("on batch 3 of 4").getMessage());
    }
  }
}
