package dev.depthscope.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A NaN or infinite weight is refused while it is converted, naming the tensor and element. */
class NonFiniteWeightsTest {
  @TempDir Path dir;

  private static float[] ramp(int n) {
    float[] w = new float[n];
    for (int i = 0; i < n; i++) {
      w[i] = (i - n / 2) * 0.25f;
    }
    return w;
  }

  @Test
  void nanInF32IsReportedWithItsElementAcrossMappingWindows() throws IOException {
    float[] w = ramp(100);
    w[77] = Float.NaN;
    Path p = dir.resolve("w.safetensors");
    new SafetensorsWriter().addFloats("layer.w", w, 10, 10).write(p);
    // 64-byte windows: element 77 sits in the fifth 16-element chunk.
    try (SafetensorsFile f = SafetensorsFile.open(p, 64)) {
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> f.readFloats("layer.w"));
      String m = e.getMessage();
      assertTrue(m.startsWith(p.toString()), m);
      assertTrue(m.contains("tensor \"layer.w\""), m);
      assertTrue(m.contains("non-finite weight (NaN) at element 77 "), m);
      assertTrue(m.contains("[10, 10]"), m);
      assertFalse(m.contains("\n"), m);
      // A read of part of the tensor reports the same flat index; one that stops short is fine.
      TensorInfo t = f.info("layer.w");
      FloatBuffer dst = FloatBuffer.allocate(40);
      CheckpointException part =
          assertThrows(CheckpointException.class, () -> f.readFloats(t, 50, 40, dst));
      assertTrue(part.getMessage().contains("at element 77 "), part.getMessage());
      FloatBuffer before = FloatBuffer.allocate(77);
      f.readFloats(t, 0, 77, before);
      float[] expected = java.util.Arrays.copyOf(w, 77);
      assertArrayEquals(expected, before.array());
    }
  }

  @Test
  void infinitiesInF32AreReportedWithTheirSign() throws IOException {
    float[] w = ramp(8);
    w[3] = Float.NEGATIVE_INFINITY;
    w[5] = Float.POSITIVE_INFINITY;
    Path p = dir.resolve("inf.safetensors");
    new SafetensorsWriter().addFloats("a", w, 8).write(p);
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      String m = assertThrows(CheckpointException.class, () -> f.readFloats("a")).getMessage();
      assertTrue(m.contains("(-Inf) at element 3 "), "the first bad element: " + m);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 4094, 4095, 4096, 8192, 8194})
  void everyPositionOfAnOddLengthF32TensorIsChecked(int at) throws IOException {
    // Past one 4096-element test block, odd length: each pair, block edge and the last one.
    float[] w = ramp(8195);
    w[at] = Float.NaN;
    Path p = dir.resolve("odd" + at + ".safetensors");
    new SafetensorsWriter().addFloats("w", w, 8195).write(p);
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      String m = assertThrows(CheckpointException.class, () -> f.readFloats("w")).getMessage();
      assertTrue(m.contains("(NaN) at element " + at + " "), m);
    }
    w[at] = 1f;
    new SafetensorsWriter().addFloats("w", w, 8195).write(p);
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertArrayEquals(w, f.readFloats("w"));
    }
  }

  @Test
  void largestFiniteValuesAndSubnormalsStillLoad() throws IOException {
    float[] w = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -0f, 0x1p-130f};
    Path p = dir.resolve("ok.safetensors");
    new SafetensorsWriter().addFloats("a", w, 5).write(p);
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertArrayEquals(w, f.readFloats("a"));
    }
  }

  @Test
  void infInABf16CheckpointNamesTheTensor() throws IOException {
    String name = "model.layers.2.mlp.down_proj.weight";
    Path copy =
        PatchedCheckpoint.copyWith(
            TestData.model("llama-tiny-bf16"),
            dir.resolve("m"),
            name,
            123,
            Float.POSITIVE_INFINITY);
    try (Checkpoint c = Checkpoint.open(copy)) {
      TensorInfo t = c.require(name);
      FloatBuffer dst = FloatBuffer.allocate((int) t.numel());
      String m =
          assertThrows(CheckpointException.class, () -> c.readFloats(t, 0, t.numel(), dst))
              .getMessage();
      assertTrue(m.contains("model.safetensors: tensor \"" + name + "\""), m);
      assertTrue(m.contains("(Inf) at element 123 "), m);
      // The neighbouring tensors are untouched and load.
      TensorInfo up = c.require("model.layers.2.mlp.up_proj.weight");
      c.readFloats(up, 0, up.numel(), FloatBuffer.allocate((int) up.numel()));
    }
  }

  @Test
  void nanInAnF16CheckpointIsRefused() throws IOException {
    String name = "model.layers.0.self_attn.o_proj.weight";
    Path copy =
        PatchedCheckpoint.copyWith(
            TestData.model("mistral-tiny-fp16-swa"), dir.resolve("m"), name, 0, Float.NaN);
    try (Checkpoint c = Checkpoint.open(copy)) {
      TensorInfo t = c.require(name);
      assertEquals(DType.F16, t.dtype());
      String m =
          assertThrows(
                  CheckpointException.class,
                  () -> c.readFloats(t, 0, t.numel(), FloatBuffer.allocate((int) t.numel())))
              .getMessage();
      assertTrue(m.contains("\"" + name + "\" has a non-finite weight (NaN) at element 0 "), m);
    }
  }
}
