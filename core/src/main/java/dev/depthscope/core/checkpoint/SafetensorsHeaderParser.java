package dev.depthscope.core.checkpoint;

import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a safetensors JSON header by the format's own rules, token by token, so that what a tree
 * parser would hide is seen: the header is one UTF-8 JSON object (no byte order mark, nothing but
 * whitespace after it), no object at any level repeats a key, every dtype is known, shapes and
 * offsets are plain non-negative JSON integers ({@code 64.0} and {@code 6.4e1} are refused), each
 * tensor's byte range is exactly its element count times its dtype size, and {@code __metadata__}
 * maps strings to strings. Unknown fields of a tensor entry are skipped (after the same checks).
 *
 * <p>Every violation is a {@link CheckpointException} of one line naming the file, the tensor and
 * the rule, in our own words: no raw file bytes are printed as numbers and no parser advice leaks
 * through. Where the tensors sit in the data area is checked afterwards by {@link
 * SafetensorsLayout}.
 */
final class SafetensorsHeaderParser {
  /** One tensor entry; {@code begin} and {@code end} are relative to the data area. */
  record Entry(String name, DType dtype, long[] shape, long begin, long end) {}

  /** A parsed header: tensors in header order and the metadata map. */
  record Header(List<Entry> tensors, Map<String, String> metadata) {}

  /**
   * Objects and arrays may nest this many levels, the root object being level 1: the nesting limit
   * of the reference (serde_json) parser.
   */
  static final int MAX_DEPTH = 128;

  private static final String METADATA = "__metadata__";
  private static final Pattern INTEGER = Pattern.compile("0|[1-9][0-9]*");

  private final Path path;
  private final JsonReader reader;

  /** The top-level key being read, for messages; null outside any entry. */
  private String current;

  private SafetensorsHeaderParser(Path path, String json) {
    this.path = path;
    this.reader = new JsonReader(new StringReader(json));
    reader.setStrictness(Strictness.STRICT);
    // One level of margin, so that our own check below reports too deep nesting first.
    reader.setNestingLimit(MAX_DEPTH + 1);
  }

  /** Parses the {@code bytes} of the header of {@code path}. */
  static Header parse(Path path, byte[] bytes) {
    if (bytes.length >= 3
        && (bytes[0] & 0xff) == 0xef
        && (bytes[1] & 0xff) == 0xbb
        && (bytes[2] & 0xff) == 0xbf) {
      // Checked on the bytes: Gson's reader would skip the mark silently.
      throw new CheckpointException(
          path + ": header starts with a byte order mark; it must start with '{'");
    }
    String json = decodeUtf8(path, bytes);
    if (json.isBlank()) {
      throw new CheckpointException(
          path + ": header is not valid JSON: expected a JSON object, found only blanks");
    }
    if (json.charAt(0) != '{') {
      throw new CheckpointException(
          path
              + ": header is not valid JSON: expected a JSON object starting with '{' at its first"
              + " byte, found "
              + describeStart(json.charAt(0)));
    }
    return new SafetensorsHeaderParser(path, json).read();
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

  private static String describeStart(char c) {
    if (c == '[') {
      return "an array";
    }
    return Character.isWhitespace(c)
        ? "whitespace"
        : "'" + Names.printable(String.valueOf(c)) + "'";
  }

  private Header read() {
    try {
      List<Entry> tensors = new ArrayList<>();
      Map<String, String> metadata = new LinkedHashMap<>();
      Set<String> keys = new HashSet<>();
      reader.beginObject();
      while (reader.hasNext()) {
        String name = name(keys, null);
        current = name;
        if (name.equals(METADATA)) {
          readMetadata(metadata);
        } else {
          tensors.add(readEntry(name));
        }
        current = null;
      }
      reader.endObject();
      checkNothingFollows();
      return new Header(
          Collections.unmodifiableList(tensors), Collections.unmodifiableMap(metadata));
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      throw syntax(null, e);
    }
  }

  private void checkNothingFollows() {
    boolean trailing;
    try {
      trailing = reader.peek() != JsonToken.END_DOCUMENT;
    } catch (IOException e) {
      // Strict mode fails here for anything but whitespace.
      trailing = true;
    }
    if (trailing) {
      throw syntax("trailing data after the JSON object (only whitespace may follow it)", null);
    }
  }

  /** The next key of an object whose keys so far are {@code keys}; refuses a repeated key. */
  private String name(Set<String> keys, String field) throws IOException {
    String name = checkedString(reader.nextName());
    if (!keys.add(name)) {
      String where = field == null ? "" : " in \"" + field + "\"";
      throw new CheckpointException(
          at() + ": duplicate key " + Names.quote(name) + where + " (each key may appear once)");
    }
    return name;
  }

  private String checkedString(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new CheckpointException(
            at() + ": a string holds an unpaired surrogate escape, which is not valid UTF-8 text");
      }
    }
    return s;
  }

  private void readMetadata(Map<String, String> metadata) throws IOException {
    if (reader.peek() != JsonToken.BEGIN_OBJECT) {
      throw new CheckpointException(
          path + ": __metadata__ must be an object of strings, found " + kind(reader.peek()));
    }
    Set<String> keys = new HashSet<>();
    reader.beginObject();
    while (reader.hasNext()) {
      String key = name(keys, METADATA);
      if (reader.peek() != JsonToken.STRING) {
        throw new CheckpointException(
            path
                + ": __metadata__."
                + Names.printable(key)
                + " must be a string, found "
                + kind(reader.peek()));
      }
      metadata.put(key, checkedString(reader.nextString()));
    }
    reader.endObject();
  }

  private Entry readEntry(String name) throws IOException {
    if (reader.peek() != JsonToken.BEGIN_OBJECT) {
      throw new CheckpointException(at() + ": expected an object, found " + kind(reader.peek()));
    }
    String dtypeName = null;
    long[] shape = null;
    long[] offsets = null;
    Set<String> keys = new HashSet<>();
    reader.beginObject();
    while (reader.hasNext()) {
      String field = name(keys, null);
      switch (field) {
        case "dtype" -> {
          if (reader.peek() != JsonToken.STRING) {
            throw new CheckpointException(at() + ": field \"dtype\" must be a string");
          }
          dtypeName = checkedString(reader.nextString());
        }
        case "shape" -> shape = integers("shape");
        case "data_offsets" -> offsets = integers("data_offsets");
        default -> skipValue(3);
      }
    }
    reader.endObject();
    if (dtypeName == null) {
      throw new CheckpointException(at() + ": field \"dtype\" must be a string");
    }
    if (shape == null) {
      throw new CheckpointException(at() + ": field \"shape\" must be an array");
    }
    if (offsets == null) {
      throw new CheckpointException(at() + ": field \"data_offsets\" must be an array");
    }
    if (offsets.length != 2) {
      throw new CheckpointException(
          at() + ": field \"data_offsets\" must have 2 entries, has " + offsets.length);
    }
    DType dtype = dtype(dtypeName);
    long expected = byteSize(shape, dtype);
    long begin = offsets[0];
    long end = offsets[1];
    if (end < begin) {
      throw new CheckpointException(
          at() + ": data_offsets [" + begin + ", " + end + "] are not an increasing range");
    }
    if (end - begin != expected) {
      throw new CheckpointException(
          at()
              + ": size mismatch: shape "
              + Arrays.toString(shape)
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
    return new Entry(name, dtype, shape, begin, end);
  }

  private DType dtype(String name) {
    try {
      return DType.parse(name);
    } catch (IllegalArgumentException e) {
      throw new CheckpointException(
          at() + ": unknown dtype " + Names.quote(name) + " (known: " + DType.knownNames() + ")");
    }
  }

  private long byteSize(long[] shape, DType dtype) {
    if (Arrays.stream(shape).anyMatch(d -> d == 0)) {
      return 0;
    }
    try {
      long numel = 1;
      for (long d : shape) {
        numel = Math.multiplyExact(numel, d);
      }
      return Math.multiplyExact(numel, dtype.bytes());
    } catch (ArithmeticException e) {
      // A hostile or corrupt shape must not escape as an unexplained ArithmeticException.
      throw new CheckpointException(
          at() + ": shape " + Arrays.toString(shape) + " is too large (its byte size overflows)");
    }
  }

  /** An array of non-negative JSON integers (no sign, fraction or exponent) fitting 63 bits. */
  private long[] integers(String field) throws IOException {
    if (reader.peek() != JsonToken.BEGIN_ARRAY) {
      throw new CheckpointException(at() + ": field \"" + field + "\" must be an array");
    }
    List<Long> values = new ArrayList<>();
    reader.beginArray();
    while (reader.hasNext()) {
      String rule = "field \"" + field + "\" must hold non-negative integers";
      if (reader.peek() != JsonToken.NUMBER) {
        throw new CheckpointException(at() + ": " + rule + ", found " + kind(reader.peek()));
      }
      String literal = reader.nextString();
      if (literal.startsWith("-")) {
        throw new CheckpointException(at() + ": " + rule + ", found a negative number");
      }
      if (!INTEGER.matcher(literal).matches()) {
        throw new CheckpointException(
            at() + ": " + rule + ", found a number with a fraction or exponent");
      }
      try {
        values.add(Long.parseLong(literal));
      } catch (NumberFormatException e) {
        throw new CheckpointException(at() + ": " + rule + ", found one too large for 64 bits");
      }
    }
    reader.endArray();
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * Skips one value of any kind that would be at nesting {@code level}, still refusing repeated
   * keys and objects or arrays nested deeper than {@link #MAX_DEPTH}.
   */
  private void skipValue(int level) throws IOException {
    JsonToken token = reader.peek();
    boolean container = token == JsonToken.BEGIN_OBJECT || token == JsonToken.BEGIN_ARRAY;
    if (container && level > MAX_DEPTH) {
      throw new CheckpointException(at() + ": header nests deeper than " + MAX_DEPTH + " levels");
    }
    switch (token) {
      case BEGIN_OBJECT -> {
        Set<String> keys = new HashSet<>();
        reader.beginObject();
        while (reader.hasNext()) {
          name(keys, null);
          skipValue(level + 1);
        }
        reader.endObject();
      }
      case BEGIN_ARRAY -> {
        reader.beginArray();
        while (reader.hasNext()) {
          skipValue(level + 1);
        }
        reader.endArray();
      }
      case STRING -> checkedString(reader.nextString());
      default -> reader.skipValue();
    }
  }

  /** The file and, inside an entry, the tensor, as the start of a message. */
  private String at() {
    if (current == null) {
      return path + ": header";
    }
    if (current.equals(METADATA)) {
      return path + ": __metadata__";
    }
    return path + ": tensor " + Names.quote(current);
  }

  /**
   * A syntax error in our own words, with the position the JSON reader reports but not its advice
   * (which would suggest lenient parsing, not what is wrong with the file).
   */
  private CheckpointException syntax(String what, Exception cause) {
    String reason = what != null ? what : JsonSyntax.reason(cause, MAX_DEPTH);
    String position = JsonSyntax.position(cause);
    String in = current == null ? "" : " (in " + at().substring(path.toString().length() + 2) + ")";
    return new CheckpointException(
        path
            + ": header is not valid JSON: "
            + reason
            + position
            + in
            + "; not a safetensors file?",
        cause);
  }

  private static String kind(JsonToken t) {
    return switch (t) {
      case BEGIN_OBJECT -> "an object";
      case BEGIN_ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "nothing";
    };
  }
}
