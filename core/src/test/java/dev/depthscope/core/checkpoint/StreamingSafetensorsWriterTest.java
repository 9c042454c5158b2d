package dev.depthscope.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streamed files read back through our reader, with exact rounding to BF16 and F16. */
class StreamingSafetensorsWriterTest {

  @Test
  void streamedTensorsReadBackRoundedToTheirDtype(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("m.safetensors");
    float[] a = {1f, -2.5f, 3.1415927f, 1e-6f, 65504f, -0f};
    float[] b = new float[12];
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) Math.sin(i) * 100;
    }
    try (var w =
        new StreamingSafetensorsWriter(
            f,
            List.of(
                new StreamingSafetensorsWriter.Spec("a32", DType.F32, 2, 3),
                new StreamingSafetensorsWriter.Spec("empty", DType.BF16, 0),
                new StreamingSafetensorsWriter.Spec("b16", DType.BF16, 3, 4),
                new StreamingSafetensorsWriter.Spec("h16", DType.F16, 6)))) {
      w.write(a, 0, 6);
      w.write(b, 0, 5);
      w.write(b, 5, 7);
      w.write(a, 0, 6);
      w.finish();
    }
    try (SafetensorsFile st = SafetensorsFile.open(f)) {
      assertArrayEquals(a, st.readFloats("a32"));
      float[] bf = st.readFloats("b16");
      for (int i = 0; i < b.length; i++) {
        assertEquals(b[i], bf[i], Math.abs(b[i]) * 0x1p-8f, "bf16 " + i);
        assertEquals(FloatConversion.bf16ToFloat(StreamingSafetensorsWriter.toBf16(b[i])), bf[i]);
      }
      float[] h = st.readFloats("h16");
      for (int i = 0; i < a.length; i++) {
        assertEquals(a[i], h[i], Math.max(Math.abs(a[i]) * 0x1p-11f, 0x1p-24f), "f16 " + i);
      }
    }
  }

  @Test
  void everyF16RoundTripsExactly() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float v = FloatConversion.f16ToFloat((short) bits);
      if (Float.isNaN(v)) {
        continue;
      }
      assertEquals((short) bits, StreamingSafetensorsWriter.toF16(v), "bits " + bits);
    }
  }

  @Test
  void incompleteFileIsNeverMovedIntoPlace(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("m.safetensors");
    try (var w =
        new StreamingSafetensorsWriter(
            f, List.of(new StreamingSafetensorsWriter.Spec("x", DType.F32, 4)))) {
      w.write(new float[] {1, 2}, 0, 2);
      assertThrows(IllegalStateException.class, w::finish);
    }
    assertFalse(Files.exists(f));
    try (var s = Files.list(dir)) {
      assertEquals(0, s.count());
    }
  }
}
