package dev.depthscope.core.checkpoint;

import dev.depthscope.core.io.OutputWriteException;
import dev.depthscope.core.io.PartialFile;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a safetensors file from float32 and int64 arrays and writes it atomically (a temporary
 * file in the same directory, then a move), so a failed write never leaves a half-written file.
 */
public final class SafetensorsWriter {
  private record Entry(String name, DType dtype, long[] shape, Object data) {}

  private final List<Entry> entries = new ArrayList<>();
  private final Map<String, String> metadata = new LinkedHashMap<>();

  /** Adds a float32 tensor; {@code data.length} must equal the product of {@code shape}. */
  public SafetensorsWriter addFloats(String name, float[] data, long... shape) {
    check(name, data.length, shape);
    entries.add(new Entry(name, DType.F32, shape.clone(), data));
    return this;
  }

  /** Adds an int64 tensor; {@code data.length} must equal the product of {@code shape}. */
  public SafetensorsWriter addLongs(String name, long[] data, long... shape) {
    check(name, data.length, shape);
    entries.add(new Entry(name, DType.I64, shape.clone(), data));
    return this;
  }

  /** Adds a {@code __metadata__} entry. */
  public SafetensorsWriter metadata(String key, String value) {
    metadata.put(key, value);
    return this;
  }

  private void check(String name, int length, long[] shape) {
    if (name.equals("__metadata__")) {
      // The header keeps metadata under this key; a tensor there would make the file unreadable.
      throw new IllegalArgumentException("__metadata__ is reserved and cannot name a tensor");
    }
    long n = 1;
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException(
            name + ": negative dimension in shape " + java.util.Arrays.toString(shape));
      }
      // Saturate instead of wrapping, so an overflowing shape can never match the length.
      n = d == 0 || n <= Long.MAX_VALUE / d ? n * d : Long.MAX_VALUE;
    }
    if (n != length) {
      throw new IllegalArgumentException(
          name + ": " + length + " values for shape " + java.util.Arrays.toString(shape));
    }
    for (Entry e : entries) {
      if (e.name.equals(name)) {
        throw new IllegalArgumentException("duplicate tensor " + name);
      }
    }
  }

  /** Writes the file to {@code target}, replacing it only once the whole file is written. */
  public void write(Path target) throws IOException {
    List<SafetensorsHeader.Tensor> tensors = new ArrayList<>();
    for (Entry e : entries) {
      tensors.add(
          new SafetensorsHeader.Tensor(
              e.name, e.dtype, e.shape, (long) length(e) * e.dtype.bytes()));
    }
    byte[] header = SafetensorsHeader.encode(metadata, tensors);
    Path tmp = PartialFile.create(target);
    try {
      try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
        out.write(header);
        for (Entry e : entries) {
          writeData(out, e);
        }
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (OutputWriteException e) {
      throw e;
    } catch (IOException e) {
      throw new OutputWriteException(target, e);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static int length(Entry e) {
    return e.data instanceof float[] f ? f.length : ((long[]) e.data).length;
  }

  private static void writeData(OutputStream out, Entry e) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    if (e.data instanceof float[] f) {
      for (float v : f) {
        if (!buf.hasRemaining()) {
          flush(out, buf);
        }
        buf.putFloat(v);
      }
    } else {
      for (long v : (long[]) e.data) {
        if (!buf.hasRemaining()) {
          flush(out, buf);
        }
        buf.putLong(v);
      }
    }
    flush(out, buf);
  }

  private static void flush(OutputStream out, ByteBuffer buf) throws IOException {
    out.write(buf.array(), 0, buf.position());
    buf.clear();
  }
}
