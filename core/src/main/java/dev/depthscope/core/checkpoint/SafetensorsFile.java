package dev.depthscope.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One {@code .safetensors} file, memory-mapped and validated strictly when opened.
 *
 * <p>Format: an 8-byte little-endian header length {@code n} (at most 100 MB), {@code n} bytes of
 * UTF-8 JSON mapping tensor names to {@code {"dtype", "shape", "data_offsets": [begin, end]}}
 * (offsets relative to the data area that follows the header), an optional {@code "__metadata__"}
 * string map, then the raw little-endian data. The header must obey the format's rules ({@link
 * SafetensorsHeaderParser}) and the tensors must tile the data area exactly ({@link
 * SafetensorsLayout}); both are checked before any tensor is used.
 *
 * <p>Weights convert to float32 on read: F32 is copied, F16 and BF16 are widened in Java, so no
 * BF16 array ever reaches DJL (which would abort the JVM). The same pass refuses a NaN or infinite
 * weight, naming the tensor and element, so resident and streaming loads both check each weight
 * exactly once as it is read.
 */
public final class SafetensorsFile implements AutoCloseable {
  /** The reference implementation refuses headers above 100 MB; so do we. */
  static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

  private final Path path;
  private final WindowedMapping mapping;
  private final Map<String, TensorInfo> tensors;
  private final Map<String, String> metadata;

  private SafetensorsFile(
      Path path,
      WindowedMapping mapping,
      Map<String, TensorInfo> tensors,
      Map<String, String> metadata) {
    this.path = path;
    this.mapping = mapping;
    this.tensors = tensors;
    this.metadata = metadata;
  }

  /** Opens and validates {@code path} with the default 1 GiB mapping windows. */
  public static SafetensorsFile open(Path path) {
    return open(path, WindowedMapping.DEFAULT_WINDOW);
  }

  /**
   * Opens and validates {@code path}, mapping it in windows of {@code windowSize} bytes (tests use
   * tiny windows to exercise reads that span windows).
   */
  public static SafetensorsFile open(Path path, long windowSize) {
    if (!Files.isRegularFile(path)) {
      throw new CheckpointException(path + ": no such safetensors file");
    }
    WindowedMapping mapping;
    try {
      mapping = new WindowedMapping(path, windowSize);
    } catch (IOException e) {
      throw new CheckpointException(path + ": cannot open: " + e.getMessage(), e);
    }
    try {
      return parse(path, mapping);
    } catch (RuntimeException e) {
      closeQuietly(mapping);
      throw e;
    }
  }

  private static SafetensorsFile parse(Path path, WindowedMapping mapping) {
    long fileSize = mapping.size();
    if (fileSize < 8) {
      throw new CheckpointException(
          path
              + ": truncated: the file has "
              + fileSize
              + " bytes, but a safetensors file starts with an 8-byte header length");
    }
    long headerLength =
        ByteBuffer.wrap(mapping.readBytes(0, 8)).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength == 0) {
      throw new CheckpointException(
          path + ": header length 0: a safetensors header holds at least \"{}\"");
    }
    if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
      // Not echoed: for a file of another kind these are 8 arbitrary bytes, not a length.
      throw new CheckpointException(
          path
              + ": the 8-byte header length is not between 1 and "
              + MAX_HEADER_BYTES
              + " bytes (100 MB), as a safetensors file's must be (not a safetensors file?)");
    }
    if (8 + headerLength > fileSize) {
      throw new CheckpointException(
          path
              + ": truncated or corrupt: the header claims "
              + headerLength
              + " bytes but the file has only "
              + (fileSize - 8)
              + " after the length field");
    }
    SafetensorsHeaderParser.Header header =
        SafetensorsHeaderParser.parse(path, mapping.readBytes(8, (int) headerLength));
    long dataStart = 8 + headerLength;
    Map<String, TensorInfo> tensors =
        SafetensorsLayout.place(path, header.tensors(), dataStart, fileSize - dataStart);
    return new SafetensorsFile(path, mapping, tensors, header.metadata());
  }

  /** The file. */
  public Path path() {
    return path;
  }

  /** The tensors in header order. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** The {@code __metadata__} map (empty when absent). */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** The entry for {@code name}, or an error naming the file. */
  public TensorInfo info(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new CheckpointException(path + ": no tensor \"" + name + "\"");
    }
    return t;
  }

  /**
   * Reads elements {@code [first, first + count)} (in row-major order) of a floating-point tensor
   * as float32 into {@code dst} at its current position, advancing it.
   *
   * @throws CheckpointException naming the tensor and the first element that is NaN or infinite
   */
  public void readFloats(TensorInfo t, long first, long count, FloatBuffer dst) {
    checkOwned(t);
    if (!t.dtype().isFloatWeight()) {
      throw new CheckpointException(
          path
              + ": tensor \""
              + t.name()
              + "\" has dtype "
              + t.dtype()
              + "; expected F32, F16 or BF16 weights");
    }
    // Written so that no sum can overflow: a huge count must not slip past the check.
    if (first < 0 || count < 0 || first > t.numel() || count > t.numel() - first) {
      throw new IndexOutOfBoundsException(
          "elements [" + first + ", " + (first + count) + ") of " + t.numel());
    }
    int size = t.dtype().bytes();
    long start = t.start() + first * size;
    mapping.forEachChunk(
        start,
        start + count * size,
        size,
        (chunk, at) -> {
          int bad = FloatConversion.convert(t.dtype(), chunk, dst);
          if (bad >= 0) {
            throw nonFinite(
                t, first + at / size + bad, FloatConversion.describe(t.dtype(), chunk, bad));
          }
        });
  }

  private CheckpointException nonFinite(TensorInfo t, long element, String kind) {
    return new CheckpointException(
        path
            + ": tensor \""
            + t.name()
            + "\" has a non-finite weight ("
            + kind
            + ") at element "
            + element
            + " (flat index into "
            + t.shapeText()
            + "); the file is corrupt or was saved after training diverged");
  }

  /** Reads a whole floating-point tensor as float32. */
  public float[] readFloats(String name) {
    TensorInfo t = info(name);
    long n = t.numel();
    if (n > Integer.MAX_VALUE - 8) {
      throw new CheckpointException(
          path + ": tensor \"" + name + "\" has " + n + " elements, too many for one Java array");
    }
    float[] out = new float[(int) n];
    readFloats(t, 0, n, FloatBuffer.wrap(out));
    return out;
  }

  /** Reads a whole integer tensor (I64, I32, I16, I8, U32, U16) as {@code long}s. */
  public long[] readLongs(String name) {
    TensorInfo t = info(name);
    if (!t.dtype().isInteger()) {
      throw new CheckpointException(
          path + ": tensor \"" + name + "\" has dtype " + t.dtype() + "; expected integers");
    }
    long[] out = new long[Math.toIntExact(t.numel())];
    int size = t.dtype().bytes();
    mapping.forEachChunk(
        t.start(),
        t.end(),
        size,
        (chunk, at) -> {
          int i = (int) (at / size);
          while (chunk.hasRemaining()) {
            out[i++] =
                switch (t.dtype()) {
                  case I64 -> chunk.getLong();
                  case I32 -> chunk.getInt();
                  case U32 -> Integer.toUnsignedLong(chunk.getInt());
                  case I16 -> chunk.getShort();
                  case U16 -> Short.toUnsignedInt(chunk.getShort());
                  default -> chunk.get();
                };
          }
        });
    return out;
  }

  private void checkOwned(TensorInfo t) {
    if (!t.file().equals(path)) {
      throw new IllegalArgumentException(t + " does not belong to " + path);
    }
  }

  /**
   * Unmaps the file's windows so the pages read so far leave this process's resident memory; the
   * file stays open and later reads map it again.
   */
  public void releaseMappings() {
    mapping.unmapAll();
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // Already failing; the original error is the one worth reporting.
    }
  }

  @Override
  public void close() {
    closeQuietly(mapping);
  }
}
