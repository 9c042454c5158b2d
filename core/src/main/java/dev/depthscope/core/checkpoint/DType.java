package dev.depthscope.core.checkpoint;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The element types a safetensors header may name. Only the floating-point types {@link #F32},
 * {@link #F16} and {@link #BF16} are converted to float32 weights; the integer types are readable
 * as {@code long} (token ids); the rest are recognised so that the error can say what the file
 * holds.
 */
public enum DType {
  F64(8),
  F32(4),
  F16(2),
  BF16(2),
  F8_E4M3(1),
  F8_E5M2(1),
  I64(8),
  I32(4),
  I16(2),
  I8(1),
  U64(8),
  U32(4),
  U16(2),
  U8(1),
  BOOL(1);

  private final int bytes;

  DType(int bytes) {
    this.bytes = bytes;
  }

  /** Size of one element in bytes. */
  public int bytes() {
    return bytes;
  }

  /** Whether weights of this type can be converted to float32. */
  public boolean isFloatWeight() {
    return this == F32 || this == F16 || this == BF16;
  }

  /** Whether values of this type can be read as {@code long} (token ids). */
  public boolean isInteger() {
    return this == I64 || this == I32 || this == I16 || this == I8 || this == U32 || this == U16;
  }

  /**
   * Parses a safetensors dtype name.
   *
   * @throws IllegalArgumentException naming the known types when {@code name} is not one of them
   */
  public static DType parse(String name) {
    for (DType t : values()) {
      if (t.name().equals(name)) {
        return t;
      }
    }
    throw new IllegalArgumentException(
        "unknown dtype \"" + name + "\" (known: " + knownNames() + ")");
  }

  /** The names of all known dtypes, comma-separated, for messages. */
  public static String knownNames() {
    return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "));
  }
}
