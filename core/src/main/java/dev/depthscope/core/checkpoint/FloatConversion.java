package dev.depthscope.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.ShortBuffer;

/** Widening of on-disk float formats to float32, done in Java so DJL never sees BF16 or F16. */
final class FloatConversion {
  private FloatConversion() {}

  /** Converts all of {@code src} (little-endian elements of {@code dtype}) into {@code dst}. */
  static void convert(DType dtype, ByteBuffer src, FloatBuffer dst) {
    ByteBuffer le = src.order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case F32 -> dst.put(le.asFloatBuffer());
      case BF16 -> {
        ShortBuffer s = le.asShortBuffer();
        while (s.hasRemaining()) {
          dst.put(bf16ToFloat(s.get()));
        }
      }
      case F16 -> {
        ShortBuffer s = le.asShortBuffer();
        while (s.hasRemaining()) {
          dst.put(f16ToFloat(s.get()));
        }
      }
      default -> throw new IllegalArgumentException("not a float weight type: " + dtype);
    }
  }

  /** bfloat16 is the upper half of a float32. */
  static float bf16ToFloat(short bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** IEEE 754 binary16 to binary32, exact for every input (subnormals, infinities, NaN). */
  static float f16ToFloat(short bits) {
    int h = bits & 0xffff;
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      // Subnormal half: value = mant * 2^-24, exactly representable in float32.
      float v = mant * 0x1p-24f;
      return sign == 0 ? v : -v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }
}
