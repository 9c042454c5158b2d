package dev.depthscope.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An independent check of the safetensors rules for the fuzzer, sharing no code with {@link
 * SafetensorsFile}: its own recursive-descent JSON parser (keeping number literals as text), its
 * own dtype table, its own tiling check. It returns the rule a file breaks, or the tensors it
 * holds.
 */
final class ReferenceValidator {
  /** A tensor as the rules place it: absolute byte offsets in the file. */
  record Tensor(String name, String dtype, List<Long> shape, long start, long end) {}

  /** Either {@code violation} (a short rule name) or the tensors and metadata of a valid file. */
  record Verdict(String violation, List<Tensor> tensors, Map<String, String> metadata) {
    boolean valid() {
      return violation == null;
    }
  }

  private static final Map<String, Integer> SIZES =
      Map.ofEntries(
          Map.entry("BOOL", 1),
          Map.entry("U8", 1),
          Map.entry("I8", 1),
          Map.entry("F8_E5M2", 1),
          Map.entry("F8_E4M3", 1),
          Map.entry("I16", 2),
          Map.entry("U16", 2),
          Map.entry("F16", 2),
          Map.entry("BF16", 2),
          Map.entry("I32", 4),
          Map.entry("U32", 4),
          Map.entry("F32", 4),
          Map.entry("F64", 8),
          Map.entry("I64", 8),
          Map.entry("U64", 8));

  private static final int MAX_LEVELS = 128;

  /** The element size of a dtype of the format. */
  static int sizeOf(String dtype) {
    return SIZES.get(dtype);
  }

  /** Thrown inside the checker with the rule broken. */
  private static final class Broken extends RuntimeException {
    Broken(String rule) {
      super(rule, null, false, false);
    }
  }

  /** A JSON number kept as its literal text. */
  private record Num(String literal) {}

  /** A JSON {@code true}, {@code false} or {@code null}. */
  private record Literal(String text) {}

  private static boolean digit(int c) {
    return c >= '0' && c <= '9';
  }

  private final String text;
  private int pos;

  private ReferenceValidator(String text) {
    this.text = text;
  }

  static Verdict check(byte[] file) {
    try {
      return verdict(file);
    } catch (Broken b) {
      return new Verdict(b.getMessage(), List.of(), Map.of());
    }
  }

  private static Verdict verdict(byte[] file) {
    need(file.length >= 8, "no length field");
    long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    need(n >= 1 && n <= 100L * 1024 * 1024, "header length out of range");
    need(n <= file.length - 8, "header longer than file");
    int len = (int) n;
    need(
        !(len >= 3 && file[8] == (byte) 0xEF && file[9] == (byte) 0xBB && file[10] == (byte) 0xBF),
        "bom");
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(file, 8, len))
              .toString();
    } catch (CharacterCodingException e) {
      throw new Broken("utf-8");
    }
    need(text.startsWith("{"), "not starting with {");
    ReferenceValidator p = new ReferenceValidator(text);
    Object root = p.value(1);
    while (p.pos < text.length() && " \t\r\n".indexOf(text.charAt(p.pos)) >= 0) {
      p.pos++;
    }
    need(p.pos == text.length(), "trailing data in header");
    return schema(castMap(root), 8 + n, file.length);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Object o) {
    need(o instanceof Map, "not an object");
    return (Map<String, Object>) o;
  }

  private static Verdict schema(Map<String, Object> root, long dataStart, long fileLength) {
    List<Tensor> tensors = new ArrayList<>();
    Map<String, String> metadata = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : root.entrySet()) {
      if (e.getKey().equals("__metadata__")) {
        for (Map.Entry<String, Object> m : castMap(e.getValue()).entrySet()) {
          need(m.getValue() instanceof String, "metadata value not a string");
          metadata.put(m.getKey(), (String) m.getValue());
        }
        continue;
      }
      Map<String, Object> t = castMap(e.getValue());
      need(t.get("dtype") instanceof String, "dtype missing");
      Integer size = SIZES.get((String) t.get("dtype"));
      need(size != null, "unknown dtype");
      List<Long> shape = integers(t.get("shape"));
      List<Long> offsets = integers(t.get("data_offsets"));
      need(offsets.size() == 2, "offsets not a pair");
      java.math.BigInteger bytes = java.math.BigInteger.valueOf(size);
      for (long d : shape) {
        bytes = bytes.multiply(java.math.BigInteger.valueOf(d));
      }
      need(bytes.bitLength() <= 63, "byte size overflows");
      long begin = offsets.get(0);
      long end = offsets.get(1);
      need(end >= begin && end - begin == bytes.longValueExact(), "size mismatch");
      tensors.add(
          new Tensor(
              e.getKey(), (String) t.get("dtype"), shape, dataStart + begin, dataStart + end));
    }
    List<Tensor> sorted = new ArrayList<>(tensors);
    sorted.sort(Comparator.comparingLong(Tensor::start).thenComparingLong(Tensor::end));
    long at = dataStart;
    for (Tensor t : sorted) {
      need(t.start() == at, t.start() < at ? "overlap" : "gap");
      at = t.end();
    }
    need(at == fileLength, at < fileLength ? "trailing bytes" : "past end of file");
    return new Verdict(null, tensors, metadata);
  }

  private static List<Long> integers(Object o) {
    need(o instanceof List, "not an array");
    List<Long> out = new ArrayList<>();
    for (Object x : (List<?>) o) {
      need(x instanceof Num, "not a number");
      String lit = ((Num) x).literal();
      need(lit.chars().allMatch(ReferenceValidator::digit), "not a non-negative integer literal");
      java.math.BigInteger v = new java.math.BigInteger(lit);
      need(v.bitLength() <= 63, "integer too large");
      out.add(v.longValueExact());
    }
    return out;
  }

  private static void need(boolean ok, String rule) {
    if (!ok) {
      throw new Broken(rule);
    }
  }

  // The JSON grammar of RFC 8259, with duplicate keys and unpaired surrogates refused.

  private void ws() {
    while (pos < text.length() && " \t\r\n".indexOf(text.charAt(pos)) >= 0) {
      pos++;
    }
  }

  private char peekChar() {
    need(pos < text.length(), "json: unexpected end");
    return text.charAt(pos);
  }

  private void expect(char c) {
    need(peekChar() == c, "json: expected " + c);
    pos++;
  }

  private Object value(int level) {
    ws();
    char c = peekChar();
    if (c == '{' || c == '[') {
      need(level <= MAX_LEVELS, "json: too deep");
      return c == '{' ? object(level) : array(level);
    } else if (c == '"') {
      return string();
    } else if (c == '-' || digit(c)) {
      return number();
    }
    for (String lit : new String[] {"true", "false", "null"}) {
      if (text.startsWith(lit, pos)) {
        pos += lit.length();
        return new Literal(lit);
      }
    }
    throw new Broken("json: unexpected character");
  }

  private Map<String, Object> object(int level) {
    expect('{');
    Map<String, Object> map = new LinkedHashMap<>();
    ws();
    if (peekChar() == '}') {
      pos++;
      return map;
    }
    while (true) {
      ws();
      String key = string();
      need(!map.containsKey(key), "duplicate key");
      ws();
      expect(':');
      map.put(key, value(level + 1));
      ws();
      if (peekChar() == ',') {
        pos++;
        continue;
      }
      expect('}');
      return map;
    }
  }

  private List<Object> array(int level) {
    expect('[');
    List<Object> list = new ArrayList<>();
    ws();
    if (peekChar() == ']') {
      pos++;
      return list;
    }
    while (true) {
      list.add(value(level + 1));
      ws();
      if (peekChar() == ',') {
        pos++;
        continue;
      }
      expect(']');
      return list;
    }
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (true) {
      char c = peekChar();
      pos++;
      if (c == '"') {
        break;
      }
      need(c >= 0x20, "json: raw control character");
      if (c != '\\') {
        sb.append(c);
        continue;
      }
      char e = peekChar();
      pos++;
      int i = "\"\\/bfnrt".indexOf(e);
      if (i >= 0) {
        sb.append("\"\\/\b\f\n\r\t".charAt(i));
      } else {
        need(e == 'u' && pos + 4 <= text.length(), "json: bad escape");
        String hex = text.substring(pos, pos + 4);
        need(hex.chars().allMatch(h -> Character.digit(h, 16) >= 0), "json: bad \\u escape");
        sb.append((char) Integer.parseInt(hex, 16));
        pos += 4;
      }
    }
    String s = sb.toString();
    for (int i = 0; i < s.length(); i++) {
      if (Character.isHighSurrogate(s.charAt(i))
          && i + 1 < s.length()
          && Character.isLowSurrogate(s.charAt(i + 1))) {
        i++;
      } else {
        need(!Character.isSurrogate(s.charAt(i)), "unpaired surrogate");
      }
    }
    return s;
  }

  private Num number() {
    int start = pos;
    if (peekChar() == '-') {
      pos++;
    }
    need(pos < text.length() && digit(text.charAt(pos)), "json: bad number");
    if (text.charAt(pos) == '0') {
      pos++;
    } else {
      digits();
    }
    if (pos < text.length() && text.charAt(pos) == '.') {
      pos++;
      need(pos < text.length() && digit(text.charAt(pos)), "json: bad fraction");
      digits();
    }
    if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
      pos++;
      if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
        pos++;
      }
      need(pos < text.length() && digit(text.charAt(pos)), "json: bad exponent");
      digits();
    }
    return new Num(text.substring(start, pos));
  }

  private void digits() {
    while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
      pos++;
    }
  }
}
