package dev.depthscope.core.checkpoint;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Builds safetensors files byte by byte for tests, independently of {@link SafetensorsWriter}, so
 * that tests control every dtype, the header padding (to make the data area start unaligned) and,
 * for bad files, the raw header text.
 */
final class SafetensorsBytes {
  private record Tensor(String name, String dtype, long[] shape, byte[] data) {}

  private final List<Tensor> tensors = new ArrayList<>();
  private String metadataJson;
  private int headerPadding;

  SafetensorsBytes add(String name, String dtype, long[] shape, byte[] data) {
    tensors.add(new Tensor(name, dtype, shape, data));
    return this;
  }

  /** Raw JSON text of the {@code __metadata__} object. */
  SafetensorsBytes metadataJson(String json) {
    this.metadataJson = json;
    return this;
  }

  /** Spaces appended to the header JSON, to move the start of the data area. */
  SafetensorsBytes headerPadding(int spaces) {
    this.headerPadding = spaces;
    return this;
  }

  /** The header JSON with consecutive offsets in insertion order. */
  String headerJson() {
    StringBuilder sb = new StringBuilder("{");
    if (metadataJson != null) {
      sb.append("\"__metadata__\":").append(metadataJson);
    }
    long offset = 0;
    for (Tensor t : tensors) {
      if (sb.length() > 1) {
        sb.append(',');
      }
      sb.append(entry(t.name, t.dtype, t.shape, offset, offset + t.data.length));
      offset += t.data.length;
    }
    return sb.append('}').toString();
  }

  byte[] bytes() {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    for (Tensor t : tensors) {
      data.writeBytes(t.data);
    }
    return file(headerJson() + " ".repeat(headerPadding), data.toByteArray());
  }

  Path writeTo(Path path) {
    return write(path, bytes());
  }

  /** One header entry as JSON text. */
  static String entry(String name, String dtype, long[] shape, long begin, long end) {
    return "\""
        + name
        + "\":{\"dtype\":\""
        + dtype
        + "\",\"shape\":"
        + Arrays.toString(shape).replace(" ", "")
        + ",\"data_offsets\":["
        + begin
        + ","
        + end
        + "]}";
  }

  /** A file made of the 8-byte little-endian length of {@code header}, the header, then data. */
  static byte[] file(String header, byte[] data) {
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    return file(h.length, h, data);
  }

  /** A file whose length field says {@code claimedLength}, whatever the header really holds. */
  static byte[] file(long claimedLength, byte[] header, byte[] data) {
    ByteBuffer b =
        ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(claimedLength).put(header).put(data);
    return b.array();
  }

  static Path write(Path path, byte[] bytes) {
    try {
      Files.write(path, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return path;
  }

  static byte[] f32(float... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      b.putFloat(v);
    }
    return b.array();
  }

  static byte[] u16(short... bits) {
    ByteBuffer b = ByteBuffer.allocate(bits.length * 2).order(ByteOrder.LITTLE_ENDIAN);
    for (short v : bits) {
      b.putShort(v);
    }
    return b.array();
  }

  /** Integers of {@code width} bytes, little-endian, truncated to that width. */
  static byte[] ints(int width, long... values) {
    ByteBuffer b = ByteBuffer.allocate(values.length * width).order(ByteOrder.LITTLE_ENDIAN);
    for (long v : values) {
      switch (width) {
        case 1 -> b.put((byte) v);
        case 2 -> b.putShort((short) v);
        case 4 -> b.putInt((int) v);
        default -> b.putLong(v);
      }
    }
    return b.array();
  }

  /**
   * IEEE 754 binary16 value of {@code bits}, computed from the definition on doubles: (-1)^s x
   * 2^(e-15) x (1 + m/1024) for normals, 2^-14 x m/1024 for subnormals. Deliberately unlike the
   * bit-shuffling in {@link FloatConversion} so each checks the other. Returns NaN for every NaN.
   */
  static double referenceF16(int bits) {
    int sign = (bits >>> 15) & 1;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    double magnitude;
    if (exp == 0x1f) {
      magnitude = mant == 0 ? Double.POSITIVE_INFINITY : Double.NaN;
    } else if (exp == 0) {
      magnitude = Math.scalb((double) mant, -24);
    } else {
      magnitude = Math.scalb(1024.0 + mant, exp - 25);
    }
    return sign == 1 ? -magnitude : magnitude;
  }

  private SafetensorsBytes() {}

  static SafetensorsBytes builder() {
    return new SafetensorsBytes();
  }
}
