package dev.depthscope.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class FloatConversionTest {
  @Test
  void f16MatchesTheDefinitionForAll65536BitPatterns() {
    int nans = 0;
    int subnormals = 0;
    for (int bits = 0; bits < 0x10000; bits++) {
      float actual = FloatConversion.f16ToFloat((short) bits);
      double reference = SafetensorsBytes.referenceF16(bits);
      String where = String.format("0x%04x", bits);
      if (Double.isNaN(reference)) {
        nans++;
        assertTrue(Float.isNaN(actual), where);
        assertEquals(
            bits >>> 15, Float.floatToRawIntBits(actual) >>> 31, where + ": NaN keeps its sign");
      } else {
        if ((bits & 0x7c00) == 0 && (bits & 0x3ff) != 0) {
          subnormals++;
        }
        // The float cast is exact: every half is a float. Raw bits also separate -0 from +0.
        assertEquals(
            Float.floatToRawIntBits((float) reference), Float.floatToRawIntBits(actual), where);
      }
    }
    assertEquals(2 * 1023, nans);
    assertEquals(2 * 1023, subnormals);
  }

  @Test
  void f16LandmarkValues() {
    assertEquals(1.0f, FloatConversion.f16ToFloat((short) 0x3c00));
    assertEquals(-2.0f, FloatConversion.f16ToFloat((short) 0xc000));
    assertEquals(65504f, FloatConversion.f16ToFloat((short) 0x7bff));
    assertEquals(0x1p-24f, FloatConversion.f16ToFloat((short) 0x0001));
    assertEquals(1023 * 0x1p-24f, FloatConversion.f16ToFloat((short) 0x03ff));
    assertEquals(0x1p-14f, FloatConversion.f16ToFloat((short) 0x0400));
    assertEquals(-0x1p-24f, FloatConversion.f16ToFloat((short) 0x8001));
    assertEquals(0x80000000, Float.floatToRawIntBits(FloatConversion.f16ToFloat((short) 0x8000)));
    assertEquals(0, Float.floatToRawIntBits(FloatConversion.f16ToFloat((short) 0)));
    assertEquals(Float.POSITIVE_INFINITY, FloatConversion.f16ToFloat((short) 0x7c00));
    assertEquals(Float.NEGATIVE_INFINITY, FloatConversion.f16ToFloat((short) 0xfc00));
    assertTrue(Float.isNaN(FloatConversion.f16ToFloat((short) 0x7e00)));
    assertTrue(Float.isNaN(FloatConversion.f16ToFloat((short) 0xfc01)));
  }

  @Test
  void bf16IsTheUpperHalfOfAFloatForAll65536BitPatterns() {
    for (int bits = 0; bits < 0x10000; bits++) {
      float actual = FloatConversion.bf16ToFloat((short) bits);
      assertEquals(bits << 16, Float.floatToRawIntBits(actual), String.format("0x%04x", bits));
    }
    assertEquals(1.0f, FloatConversion.bf16ToFloat((short) 0x3f80));
    assertEquals(-0x1p-133f, FloatConversion.bf16ToFloat((short) 0x8001));
  }

  @Test
  void convertReadsLittleEndianElementsOfEachWeightType() {
    ByteBuffer f16 = ByteBuffer.wrap(new byte[] {0x00, 0x3c, 0x00, (byte) 0xc0});
    ByteBuffer bf16 = ByteBuffer.wrap(new byte[] {(byte) 0x80, 0x3f, 0x49, 0x40});
    ByteBuffer f32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    f32.putFloat(0.1f).putFloat(-7.25f).flip();
    // Big-endian by default: convert must impose little-endian itself.
    f32.order(ByteOrder.BIG_ENDIAN);
    FloatBuffer dst = FloatBuffer.allocate(6);
    FloatConversion.convert(DType.F16, f16, dst);
    FloatConversion.convert(DType.BF16, bf16, dst);
    FloatConversion.convert(DType.F32, f32, dst);
    assertArrayEquals(new float[] {1f, -2f, 1f, 3.140625f, 0.1f, -7.25f}, dst.array());
    assertEquals(6, dst.position());
  }

  @Test
  void convertRefusesNonFloatTypes() {
    FloatBuffer dst = FloatBuffer.allocate(1);
    for (DType t : DType.values()) {
      if (!t.isFloatWeight()) {
        assertThrows(
            IllegalArgumentException.class,
            () -> FloatConversion.convert(t, ByteBuffer.allocate(8), dst),
            t.name());
      }
    }
  }
}
