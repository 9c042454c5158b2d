package dev.depthscope.core.checkpoint;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@code .safetensors} file, memory-mapped and validated strictly when opened.
 *
 * <p>Format: an 8-byte little-endian header length {@code n}, {@code n} bytes of UTF-8 JSON mapping
 * tensor names to {@code {"dtype", "shape", "data_offsets": [begin, end]}} (offsets relative to the
 * data area that follows the header), an optional {@code "__metadata__"} string map, then the raw
 * little-endian data. Every entry must have a known dtype, a byte range of exactly {@code numel *
 * dtype size} inside the data area, and no two ranges may overlap.
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
    if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES) {
      throw new CheckpointException(
          path
              + ": header length "
              + Long.toUnsignedString(headerLength)
              + " is not between 1 and "
              + MAX_HEADER_BYTES
              + " bytes (not a safetensors file?)");
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
    String json = decodeUtf8(path, mapping.readBytes(8, (int) headerLength));
    JsonObject header = parseJsonObject(path, json);
    long dataStart = 8 + headerLength;
    long dataSize = fileSize - dataStart;

    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : header.entrySet()) {
      String name = e.getKey();
      if (name.equals("__metadata__")) {
        readMetadata(path, e.getValue(), metadata);
        continue;
      }
      tensors.put(name, readEntry(path, name, e.getValue(), dataStart, dataSize));
    }
    checkNoOverlap(path, tensors, dataStart);
    return new SafetensorsFile(
        path, mapping, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
  }

  private static String decodeUtf8(Path path, byte[] bytes) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new CheckpointException(path + ": header is not valid UTF-8 (not a safetensors file?)");
    }
  }

  private static JsonObject parseJsonObject(Path path, String json) {
    try {
      if (json.isBlank()) {
        throw new JsonParseException("expected a JSON object, found only blanks");
      }
      JsonReader reader = new JsonReader(new StringReader(json));
      reader.setStrictness(Strictness.STRICT);
      JsonElement root = new Gson().getAdapter(JsonElement.class).read(reader);
      boolean trailing;
      try {
        trailing = reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT;
      } catch (IOException e) {
        // Strict mode throws here for anything but whitespace; Gson's own message would tell the
        // user to enable lenient parsing, which is not what is wrong with the file.
        trailing = true;
      }
      if (trailing) {
        throw new JsonParseException("trailing data after the JSON object");
      }
      if (!root.isJsonObject()) {
        throw new JsonParseException("expected a JSON object, found " + kind(root));
      }
      return root.getAsJsonObject();
    } catch (JsonParseException | IllegalStateException | IOException e) {
      throw new CheckpointException(
          path + ": header is not valid JSON (" + e.getMessage() + "); not a safetensors file?");
    }
  }

  private static void readMetadata(Path path, JsonElement value, Map<String, String> metadata) {
    if (!value.isJsonObject()) {
      throw new CheckpointException(path + ": __metadata__ must be an object of strings");
    }
    for (Map.Entry<String, JsonElement> m : value.getAsJsonObject().entrySet()) {
      JsonElement v = m.getValue();
      if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
        throw new CheckpointException(
            path + ": __metadata__." + m.getKey() + " must be a string, found " + kind(v));
      }
      metadata.put(m.getKey(), v.getAsString());
    }
  }

  private static TensorInfo readEntry(
      Path path, String name, JsonElement value, long dataStart, long dataSize) {
    String where = path + ": tensor \"" + name + "\"";
    if (!value.isJsonObject()) {
      throw new CheckpointException(where + ": expected an object, found " + kind(value));
    }
    JsonObject o = value.getAsJsonObject();
    JsonElement dt = o.get("dtype");
    if (dt == null || !dt.isJsonPrimitive() || !dt.getAsJsonPrimitive().isString()) {
      throw new CheckpointException(where + ": field \"dtype\" must be a string");
    }
    DType dtype;
    try {
      dtype = DType.parse(dt.getAsString());
    } catch (IllegalArgumentException ex) {
      throw new CheckpointException(where + ": " + ex.getMessage());
    }
    long[] shape = longArray(where, o, "shape", -1);
    long[] offsets = longArray(where, o, "data_offsets", 2);
    long numel = 1;
    long expected;
    try {
      for (long d : shape) {
        if (d < 0) {
          throw new CheckpointException(where + ": negative dimension in shape");
        }
        numel = Math.multiplyExact(numel, d);
      }
      expected = Math.multiplyExact(numel, dtype.bytes());
    } catch (ArithmeticException ex) {
      // A hostile or corrupt shape must not escape as an unexplained ArithmeticException.
      throw new CheckpointException(
          where
              + ": shape "
              + java.util.Arrays.toString(shape)
              + " is too large (its byte size overflows 64 bits)");
    }
    long begin = offsets[0];
    long end = offsets[1];
    if (begin < 0 || end < begin) {
      throw new CheckpointException(
          where + ": data_offsets [" + begin + ", " + end + "] are not an increasing range");
    }
    if (end - begin != expected) {
      throw new CheckpointException(
          where
              + ": size mismatch: shape "
              + java.util.Arrays.toString(shape)
              + " x "
              + dtype
              + " needs "
              + expected
              + " bytes but data_offsets ["
              + begin
              + ", "
              + end
              + "] span "
              + (end - begin));
    }
    if (end > dataSize) {
      throw new CheckpointException(
          where
              + ": data_offsets ["
              + begin
              + ", "
              + end
              + "] run past the end of the data area ("
              + dataSize
              + " bytes; file truncated?)");
    }
    return new TensorInfo(name, dtype, shape, path, dataStart + begin, dataStart + end);
  }

  private static long[] longArray(String where, JsonObject o, String field, int length) {
    JsonElement v = o.get(field);
    if (v == null || !v.isJsonArray()) {
      throw new CheckpointException(where + ": field \"" + field + "\" must be an array");
    }
    JsonArray a = v.getAsJsonArray();
    if (length >= 0 && a.size() != length) {
      throw new CheckpointException(
          where + ": field \"" + field + "\" must have " + length + " entries, has " + a.size());
    }
    long[] out = new long[a.size()];
    for (int i = 0; i < out.length; i++) {
      JsonElement x = a.get(i);
      try {
        if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isNumber()) {
          throw new NumberFormatException();
        }
        out[i] = x.getAsBigDecimal().longValueExact();
      } catch (NumberFormatException | ArithmeticException e) {
        throw new CheckpointException(
            where + ": field \"" + field + "\" must hold integers, found " + x);
      }
    }
    return out;
  }

  private static void checkNoOverlap(Path path, Map<String, TensorInfo> tensors, long dataStart) {
    List<TensorInfo> sorted = new ArrayList<>(tensors.values());
    sorted.sort(Comparator.comparingLong(TensorInfo::start).thenComparingLong(TensorInfo::end));
    TensorInfo prev = null;
    for (TensorInfo t : sorted) {
      if (prev != null && t.start() < prev.end() && t.byteSize() > 0 && prev.byteSize() > 0) {
        throw new CheckpointException(
            path
                + ": tensors \""
                + prev.name()
                + "\" and \""
                + t.name()
                + "\" overlap (bytes "
                + (t.start() - dataStart)
                + ".."
                + (Math.min(prev.end(), t.end()) - dataStart)
                + " of the data area)");
      }
      if (prev == null || t.end() > prev.end()) {
        prev = t;
      }
    }
  }

  private static String kind(JsonElement e) {
    if (e.isJsonObject()) {
      return "an object";
    } else if (e.isJsonArray()) {
      return "an array";
    } else if (e.isJsonNull()) {
      return "null";
    }
    return "the value " + e;
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
