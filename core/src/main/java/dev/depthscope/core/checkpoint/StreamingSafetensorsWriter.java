package dev.depthscope.core.checkpoint;

import dev.depthscope.core.io.PartialFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file whose tensors are produced one chunk at a time, so files far larger
 * than memory (benchmark checkpoints of billions of parameters) can be written. Tensors are
 * declared up front (the header needs every shape), then filled in declaration order with float32
 * values that are stored as F32, F16 or BF16 (round to nearest even). The file appears atomically
 * on {@link #finish}.
 */
public final class StreamingSafetensorsWriter implements AutoCloseable {
  /** A declared tensor. */
  public record Spec(String name, DType dtype, long... shape) {
    /** Elements in the tensor. */
    public long numel() {
      long n = 1;
      for (long d : shape) {
        n *= d;
      }
      return n;
    }
  }

  private final Path target;
  private final Path tmp;
  private final FileChannel out;
  private final List<Spec> specs;
  private int current;
  private long writtenInCurrent;
  private boolean finished;

  /** Creates the file for {@code specs}; fill them with {@link #write} in order. */
  public StreamingSafetensorsWriter(Path target, List<Spec> specs) throws IOException {
    for (Spec s : specs) {
      if (!s.dtype().isFloatWeight()) {
        throw new IllegalArgumentException(s.name() + ": only F32, F16 and BF16 can be streamed");
      }
    }
    this.target = target;
    this.specs = List.copyOf(specs);
    this.tmp = PartialFile.create(target);
    this.out = FileChannel.open(tmp, StandardOpenOption.WRITE);
    List<SafetensorsHeader.Tensor> tensors = new ArrayList<>();
    for (Spec s : specs) {
      tensors.add(
          new SafetensorsHeader.Tensor(
              s.name(), s.dtype(), s.shape(), s.numel() * s.dtype().bytes()));
    }
    ByteBuffer head = ByteBuffer.wrap(SafetensorsHeader.encode(Map.of(), tensors));
    while (head.hasRemaining()) {
      out.write(head);
    }
    skipEmpty();
  }

  /** Appends {@code values[from, from + count)} to the tensor being filled. */
  public void write(float[] values, int from, int count) throws IOException {
    if (current >= specs.size()) {
      throw new IllegalStateException("all tensors are already written");
    }
    Spec s = specs.get(current);
    if (writtenInCurrent + count > s.numel()) {
      throw new IllegalArgumentException(s.name() + ": more values than its shape holds");
    }
    ByteBuffer buf = ByteBuffer.allocate(count * s.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = from; i < from + count; i++) {
      float v = values[i];
      switch (s.dtype()) {
        case F32 -> buf.putFloat(v);
        case BF16 -> buf.putShort(toBf16(v));
        default -> buf.putShort(toF16(v));
      }
    }
    buf.flip();
    while (buf.hasRemaining()) {
      out.write(buf);
    }
    writtenInCurrent += count;
    if (writtenInCurrent == s.numel()) {
      current++;
      writtenInCurrent = 0;
      skipEmpty();
    }
  }

  private void skipEmpty() {
    while (current < specs.size() && specs.get(current).numel() == 0) {
      current++;
    }
  }

  /** Checks every tensor is complete and moves the file into place. */
  public void finish() throws IOException {
    if (current != specs.size()) {
      throw new IllegalStateException(
          "tensor " + specs.get(current).name() + " is incomplete; nothing written");
    }
    out.close();
    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    finished = true;
  }

  /** bfloat16 with round-to-nearest-even (NaN stays NaN). */
  static short toBf16(float v) {
    int bits = Float.floatToRawIntBits(v);
    if (Float.isNaN(v)) {
      return (short) ((bits >>> 16) | 0x40);
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** IEEE binary16 with round-to-nearest-even, overflow to infinity, subnormals kept. */
  static short toF16(float v) {
    int bits = Float.floatToRawIntBits(v);
    int sign = (bits >>> 16) & 0x8000;
    float a = Math.abs(v);
    if (Float.isNaN(v)) {
      return (short) (sign | 0x7e00);
    }
    if (a >= 65520f) {
      return (short) (sign | 0x7c00);
    }
    if (a < 0x1p-14f) {
      // Subnormal: value = m * 2^-24; Math.rint rounds half to even.
      return (short) (sign | (int) Math.rint(a * 0x1p24f));
    }
    int e = ((bits >>> 23) & 0xff) - 127 + 15;
    int mant = bits & 0x7fffff;
    int half = (e << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++;
    }
    return (short) (sign | half);
  }

  @Override
  public void close() throws IOException {
    if (!finished) {
      out.close();
      Files.deleteIfExists(tmp);
    }
  }
}
