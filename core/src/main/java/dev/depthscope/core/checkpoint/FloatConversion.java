package dev.depthscope.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;

/**
 * Widening of on-disk float formats to float32, done in Java so DJL never sees BF16 or F16. The
 * same pass finds non-finite weights (NaN or infinity): an element whose exponent bits are all set
 * stops the conversion, so a broken checkpoint is reported at load instead of turning every NLL of
 * the audit into NaN.
 */
final class FloatConversion {
  private static final int F32_EXP = 0x7f800000;
  private static final int BF16_EXP = 0x7f80;
  private static final int F16_EXP = 0x7c00;

  /** F32 elements tested per block: 16 KiB, so the block stays in L1 between test and copy. */
  private static final int F32_BLOCK = 4096;

  private static final long F32_EXP2 = 0x7f8000007f800000L;
  private static final long F32_CARRY2 = 0x0080000000800000L;
  private static final long F32_SIGN2 = 0x8000000080000000L;

  private FloatConversion() {}

  /**
   * Converts all of {@code src} (little-endian elements of {@code dtype}) into {@code dst}, unless
   * an element is NaN or infinite.
   *
   * @return -1 when every element was finite and converted, else the index (in elements of {@code
   *     src}) of the first non-finite one; {@code dst} then holds an unspecified prefix
   */
  static int convert(DType dtype, ByteBuffer src, FloatBuffer dst) {
    ByteBuffer le = src.order(ByteOrder.LITTLE_ENDIAN);
    switch (dtype) {
      case F32 -> {
        return convertF32(le, dst);
      }
      case BF16 -> {
        ShortBuffer s = le.asShortBuffer();
        int n = s.remaining();
        for (int i = 0; i < n; i++) {
          short h = s.get(i);
          if ((h & BF16_EXP) == BF16_EXP) {
            return i;
          }
          dst.put(bf16ToFloat(h));
        }
      }
      case F16 -> {
        ShortBuffer s = le.asShortBuffer();
        int n = s.remaining();
        for (int i = 0; i < n; i++) {
          short h = s.get(i);
          if ((h & F16_EXP) == F16_EXP) {
            return i;
          }
          dst.put(f16ToFloat(h));
        }
      }
      default -> throw new IllegalArgumentException("not a float weight type: " + dtype);
    }
    return -1;
  }

  /**
   * F32 in blocks: each block is tested two elements at a time through a long view with a
   * branch-free OR over {@code (bits & EXP) + 2^23} per 32-bit half (bit 31 of a half ends up set
   * exactly when its exponent is all ones; neither half carries into the other), then copied to
   * {@code dst} in bulk. Only a block that holds a non-finite value is searched element by element.
   */
  private static int convertF32(ByteBuffer le, FloatBuffer dst) {
    FloatBuffer floats = le.asFloatBuffer();
    LongBuffer pairs = le.asLongBuffer();
    int n = floats.remaining();
    for (int start = 0; start < n; start += F32_BLOCK) {
      int len = Math.min(F32_BLOCK, n - start);
      long acc = 0;
      int lastPair = (start + len) / 2;
      for (int p = start / 2; p < lastPair; p++) {
        acc |= (pairs.get(p) & F32_EXP2) + F32_CARRY2;
      }
      if ((acc & F32_SIGN2) != 0
          || (len % 2 == 1 && !Float.isFinite(floats.get(start + len - 1)))) {
        for (int i = start; i < start + len; i++) {
          if (!Float.isFinite(floats.get(i))) {
            return i;
          }
        }
      }
      dst.put(floats.slice(start, len));
    }
    return -1;
  }

  /** "NaN", "Inf" or "-Inf": what element {@code index} of {@code src} (as {@code dtype}) is. */
  static String describe(DType dtype, ByteBuffer src, int index) {
    ByteBuffer le = src.order(ByteOrder.LITTLE_ENDIAN);
    float v =
        switch (dtype) {
          case F32 -> le.asFloatBuffer().get(index);
          case BF16 -> bf16ToFloat(le.asShortBuffer().get(index));
          case F16 -> f16ToFloat(le.asShortBuffer().get(index));
          default -> throw new IllegalArgumentException("not a float weight type: " + dtype);
        };
    return Float.isNaN(v) ? "NaN" : v > 0 ? "Inf" : "-Inf";
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
