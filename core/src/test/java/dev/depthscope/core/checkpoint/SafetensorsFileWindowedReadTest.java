package dev.depthscope.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reads through {@link SafetensorsFile} with windows of 64..128 bytes, so every tensor spans
 * several windows, and with header paddings that start the data area at every residue mod 8. The
 * expected values are the ones the test wrote.
 */
class SafetensorsFileWindowedReadTest {
  private static final long[] WINDOWS = {64, 65, 67, 71, 97, 100, 128};
  private static final int F32_N = 113;
  private static final int HALF_N = 131;

  @TempDir Path dir;

  private final float[] f32 = new float[F32_N];
  private final short[] f16 = new short[HALF_N];
  private final float[] f16Values = new float[HALF_N];
  private final short[] bf16 = new short[HALF_N];
  private final float[] bf16Values = new float[HALF_N];
  private final long[] i64 = new long[23];
  private final long[] i32 = new long[29];
  private final long[] u16 = new long[37];
  private final long[] i8 = new long[41];

  SafetensorsFileWindowedReadTest() {
    Random r = new Random(42);
    for (int i = 0; i < F32_N; i++) {
      f32[i] = (float) r.nextGaussian() * 10;
    }
    for (int i = 0; i < HALF_N; i++) {
      // Finite halves only: exponent field 0..30, so values compare with ==.
      int bits = (r.nextInt(2) << 15) | (r.nextInt(31) << 10) | r.nextInt(1024);
      f16[i] = (short) bits;
      f16Values[i] = (float) SafetensorsBytes.referenceF16(bits);
      // Floats with zero low halves, so bf16 holds them exactly.
      bf16Values[i] = Float.intBitsToFloat(Float.floatToIntBits(f32[i % F32_N] * 3) & 0xffff0000);
      bf16[i] = (short) (Float.floatToIntBits(bf16Values[i]) >>> 16);
    }
    for (int i = 0; i < i64.length; i++) {
      i64[i] = r.nextLong();
    }
    for (int i = 0; i < i32.length; i++) {
      i32[i] = r.nextInt();
    }
    for (int i = 0; i < u16.length; i++) {
      u16[i] = r.nextInt(65536);
    }
    for (int i = 0; i < i8.length; i++) {
      i8[i] = r.nextInt(256) - 128;
    }
  }

  private Path writeFile(int padding) {
    return SafetensorsBytes.builder()
        .add("odd", "I8", new long[] {3}, SafetensorsBytes.ints(1, 1, 2, 3))
        .add("f32", "F32", new long[] {F32_N}, SafetensorsBytes.f32(f32))
        .add("f16", "F16", new long[] {HALF_N}, SafetensorsBytes.u16(f16))
        .add("i8", "I8", new long[] {i8.length}, SafetensorsBytes.ints(1, i8))
        .add("bf16", "BF16", new long[] {HALF_N}, SafetensorsBytes.u16(bf16))
        .add("i64", "I64", new long[] {i64.length}, SafetensorsBytes.ints(8, i64))
        .add("u16", "U16", new long[] {u16.length}, SafetensorsBytes.ints(2, u16))
        .add("i32", "I32", new long[] {i32.length}, SafetensorsBytes.ints(4, i32))
        .headerPadding(padding)
        .writeTo(dir.resolve("w" + padding + ".safetensors"));
  }

  @Test
  void wholeTensorsSpanningWindowsReadAsWrittenAtEveryAlignment() {
    Set<Long> f32Alignments = new HashSet<>();
    for (int padding = 0; padding < 8; padding++) {
      Path p = writeFile(padding);
      for (long window : WINDOWS) {
        try (SafetensorsFile f = SafetensorsFile.open(p, window)) {
          String where = "padding " + padding + ", window " + window;
          assertTrue(f.info("f32").byteSize() > 3 * window, "tensor must span several windows");
          f32Alignments.add(f.info("f32").start() % 8);
          assertArrayEquals(f32, f.readFloats("f32"), where);
          assertArrayEquals(f16Values, f.readFloats("f16"), where);
          assertArrayEquals(bf16Values, f.readFloats("bf16"), where);
          assertArrayEquals(i64, f.readLongs("i64"), where);
          assertArrayEquals(i32, f.readLongs("i32"), where);
          assertArrayEquals(u16, f.readLongs("u16"), where);
          assertArrayEquals(i8, f.readLongs("i8"), where);
        }
      }
    }
    assertEquals(8, f32Alignments.size(), "the data must start at every offset mod 8");
  }

  @Test
  void partialReadsAtEveryWindowBoundaryMatchTheWrittenValues() {
    for (int padding : new int[] {0, 1, 3, 6}) {
      Path p = writeFile(padding);
      for (long window : WINDOWS) {
        try (SafetensorsFile f = SafetensorsFile.open(p, window)) {
          checkPartialReads(f, f.info("f32"), f32, window);
          checkPartialReads(f, f.info("f16"), f16Values, window);
          checkPartialReads(f, f.info("bf16"), bf16Values, window);
        }
      }
    }
  }

  /**
   * For each window boundary inside {@code t}, reads runs of several lengths that start just
   * before, at and just after the element holding it, into the middle of a larger buffer.
   */
  private static void checkPartialReads(
      SafetensorsFile f, TensorInfo t, float[] expected, long window) {
    int size = t.dtype().bytes();
    int n = expected.length;
    int boundaries = 0;
    for (long b = (t.start() / window + 1) * window; b < t.end(); b += window) {
      boundaries++;
      int at = (int) ((b - t.start()) / size);
      for (int first = Math.max(0, at - 2); first <= Math.min(n - 1, at + 1); first++) {
        for (int count : new int[] {0, 1, 2, 3, 17, n - first}) {
          if (first + count > n) {
            continue;
          }
          float[] out = new float[count + 2];
          out[0] = 12345f;
          out[count + 1] = -54321f;
          FloatBuffer dst = FloatBuffer.wrap(out);
          dst.position(1);
          f.readFloats(t, first, count, dst);
          String where = t + " window " + window + " first " + first + " count " + count;
          assertEquals(1 + count, dst.position(), where);
          assertEquals(12345f, out[0], where);
          assertEquals(-54321f, out[count + 1], where);
          for (int i = 0; i < count; i++) {
            assertEquals(expected[first + i], out[1 + i], where + " element " + (first + i));
          }
        }
      }
    }
    assertTrue(boundaries >= 2, "the tensor must cross window boundaries");
  }

  @Test
  void readingTheWrongKindOfTensorIsRefusedWithItsDtype() {
    Path p = writeFile(0);
    try (SafetensorsFile f = SafetensorsFile.open(p, 64)) {
      CheckpointException ints = assertThrows(CheckpointException.class, () -> f.readFloats("i64"));
      assertTrue(ints.getMessage().contains("\"i64\" has dtype I64"), ints.getMessage());
      CheckpointException floats =
          assertThrows(CheckpointException.class, () -> f.readLongs("f32"));
      assertTrue(floats.getMessage().contains("expected integers"), floats.getMessage());
      CheckpointException missing =
          assertThrows(CheckpointException.class, () -> f.readFloats("nope"));
      assertTrue(missing.getMessage().contains("w0.safetensors: no tensor \"nope\""));
    }
  }

  @Test
  void partialReadOutsideTheTensorIsRefusedBeforeWriting() {
    Path p = writeFile(0);
    try (SafetensorsFile f = SafetensorsFile.open(p, 64)) {
      TensorInfo t = f.info("bf16");
      FloatBuffer dst = FloatBuffer.allocate(HALF_N + 10);
      assertThrows(IndexOutOfBoundsException.class, () -> f.readFloats(t, -1, 2, dst));
      assertThrows(IndexOutOfBoundsException.class, () -> f.readFloats(t, 0, HALF_N + 1, dst));
      assertThrows(IndexOutOfBoundsException.class, () -> f.readFloats(t, HALF_N, 1, dst));
      assertThrows(IndexOutOfBoundsException.class, () -> f.readFloats(t, 1, -1, dst));
      assertThrows(
          IndexOutOfBoundsException.class, () -> f.readFloats(t, 5, Long.MAX_VALUE - 2, dst));
      assertEquals(0, dst.position(), "nothing may be written by a refused read");
    }
  }

  @Test
  void tensorOfAnotherFileIsRefused() {
    Path a = writeFile(0);
    Path b = writeFile(1);
    try (SafetensorsFile fa = SafetensorsFile.open(a, 64);
        SafetensorsFile fb = SafetensorsFile.open(b, 64)) {
      TensorInfo t = fb.info("f32");
      assertThrows(
          IllegalArgumentException.class, () -> fa.readFloats(t, 0, 1, FloatBuffer.allocate(1)));
    }
  }
}
