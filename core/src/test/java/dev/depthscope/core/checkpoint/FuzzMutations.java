package dev.depthscope.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * The fuzzer's mutation classes. Each takes a valid seed file and a seeded {@link Random} and
 * returns the bytes of a new file; some (reordering, 0-byte tensors, whitespace, data flips)
 * usually keep the file valid, the rest usually break one rule. Whether a case is valid is decided
 * by {@link ReferenceValidator}, not assumed here.
 */
final class FuzzMutations {
  /** A valid starting file and its editable form. */
  record Seed(String label, byte[] bytes, FuzzDoc doc) {}

  /** One named mutation class. */
  interface Mutation {
    byte[] apply(Random r, Seed s);
  }

  /** A mutation class with its name, for the per-class counts. */
  record Named(String name, Mutation mutation) {}

  private FuzzMutations() {}

  private static final String[] BAD_DTYPES = {
    "F17", "f32", "FLOAT", "", "I128", "F8_E4M3FN", "BF 16", "F32 ", "complex64", "F4"
  };
  private static final String[] GOOD_DTYPES = {
    "BOOL", "U8", "I8", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "F64", "I64", "U64",
    "F8_E4M3", "F8_E5M2"
  };

  static List<Named> all() {
    return List.of(
        new Named("truncate", (r, s) -> Arrays.copyOf(s.bytes(), r.nextInt(s.bytes().length))),
        new Named("extend", (r, s) -> concat(s.bytes(), randomBytes(r, 1 + r.nextInt(16)))),
        new Named("flip-header-byte", FuzzMutations::flipHeaderByte),
        new Named("flip-data-byte", FuzzMutations::flipDataByte),
        new Named("length-prefix", FuzzMutations::lengthPrefix),
        new Named("splice-header", FuzzMutations::spliceHeader),
        new Named("bom", (r, s) -> insertInHeader(s.bytes(), 0, new byte[] {-17, -69, -65})),
        new Named("non-utf8", FuzzMutations::nonUtf8),
        new Named("empty-header", FuzzMutations::emptyHeader),
        new Named("duplicate-top-key", FuzzMutations::duplicateTopKey),
        new Named("duplicate-nested-key", FuzzMutations::duplicateNestedKey),
        new Named("float-number", (r, s) -> number(r, s, FuzzMutations::asFloat)),
        new Named("negative-number", (r, s) -> number(r, s, (rr, v) -> "-" + v)),
        new Named("huge-number", (r, s) -> number(r, s, FuzzMutations::huge)),
        new Named("shape-mismatch", FuzzMutations::shapeMismatch),
        new Named("gap", FuzzMutations::gap),
        new Named("overlap", FuzzMutations::overlap),
        new Named(
            "trailing-bytes",
            (r, s) -> withData(s, concat(s.doc().data, randomBytes(r, 1 + r.nextInt(9))))),
        new Named("missing-data", FuzzMutations::missingData),
        new Named("unknown-dtype", FuzzMutations::unknownDtype),
        new Named("metadata-non-string", FuzzMutations::metadataNonString),
        new Named("nested-garbage", FuzzMutations::nestedGarbage),
        new Named("missing-or-mistyped-field", FuzzMutations::missingField),
        new Named("zero-byte-tensor", FuzzMutations::zeroByteTensor),
        new Named("reorder-entries", FuzzMutations::reorder),
        new Named("whitespace", FuzzMutations::whitespace),
        new Named("trailing-header-junk", FuzzMutations::trailingJunk),
        new Named("string-escapes", FuzzMutations::escapes));
  }

  // Byte-level mutations of the seed file.

  private static byte[] flipHeaderByte(Random r, Seed s) {
    byte[] b = s.bytes().clone();
    int n = FuzzDoc.header(b).length;
    for (int k = 1 + r.nextInt(3); k > 0; k--) {
      int at = 8 + r.nextInt(n);
      b[at] = r.nextBoolean() ? (byte) (b[at] ^ (1 << r.nextInt(8))) : (byte) r.nextInt(256);
    }
    return b;
  }

  private static byte[] flipDataByte(Random r, Seed s) {
    byte[] b = s.bytes().clone();
    int start = 8 + FuzzDoc.header(b).length;
    if (start < b.length) {
      b[start + r.nextInt(b.length - start)] ^= (byte) (1 + r.nextInt(255));
    }
    return b;
  }

  private static byte[] lengthPrefix(Random r, Seed s) {
    byte[] b = s.bytes().clone();
    long n = FuzzDoc.header(b).length;
    long[] choices = {
      0,
      1,
      n - 1,
      n + 1,
      n + 8,
      n - 8,
      b.length,
      b.length - 8,
      b.length - 7,
      Long.MAX_VALUE,
      -1,
      Long.MIN_VALUE,
      100L * 1024 * 1024,
      100L * 1024 * 1024 + 1,
      r.nextLong(),
      r.nextInt(1 << 20)
    };
    ByteBuffer.wrap(b)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(0, choices[r.nextInt(choices.length)]);
    return b;
  }

  private static byte[] spliceHeader(Random r, Seed s) {
    byte[] h = FuzzDoc.header(s.bytes());
    int from = r.nextInt(h.length);
    int len = 1 + r.nextInt(Math.min(12, h.length - from));
    byte[] spliced;
    if (r.nextBoolean()) {
      spliced = concat(Arrays.copyOf(h, from), Arrays.copyOfRange(h, from + len, h.length));
    } else {
      spliced = concat(Arrays.copyOf(h, from + len), Arrays.copyOfRange(h, from, h.length));
    }
    return FuzzDoc.file(spliced, FuzzDoc.data(s.bytes()));
  }

  private static byte[] nonUtf8(Random r, Seed s) {
    byte[][] bad = {
      {(byte) 0xff},
      {(byte) 0xc0, (byte) 0x80},
      {(byte) 0x80},
      {(byte) 0xe2, (byte) 0x82},
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80},
      {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80}
    };
    byte[] h = FuzzDoc.header(s.bytes());
    String text = new String(h, StandardCharsets.UTF_8);
    // Inside a tensor name, so that the rest of the header stays well-formed.
    int at = text.indexOf('"', 1 + r.nextInt(Math.max(1, text.lastIndexOf('"'))));
    return insertInHeader(s.bytes(), Math.max(at, 0) + 1, bad[r.nextInt(bad.length)]);
  }

  private static byte[] emptyHeader(Random r, Seed s) {
    String[] headers = {"", " ", "        ", "{}", "{}       ", "{ }", "\n"};
    String h = headers[r.nextInt(headers.length)];
    byte[] data = r.nextBoolean() ? new byte[0] : s.doc().data;
    return FuzzDoc.file(h.getBytes(StandardCharsets.UTF_8), data);
  }

  // Structural mutations of the header text.

  private static byte[] duplicateTopKey(Random r, Seed s) {
    FuzzDoc d = s.doc().copy();
    if (d.metadataJson != null && r.nextInt(4) == 0) {
      d.extraTop.add("\"__metadata__\":" + d.metadataJson);
    } else {
      FuzzDoc.Entry e = pick(r, d.entries).copy();
      d.entries.add(r.nextInt(d.entries.size() + 1), e);
    }
    return d.bytes();
  }

  private static byte[] duplicateNestedKey(Random r, Seed s) {
    FuzzDoc d = s.doc().copy();
    FuzzDoc.Entry e = pick(r, d.entries);
    switch (r.nextInt(4)) {
      case 0 -> e.extra.add("\"dtype\":" + e.dtypeJson);
      case 1 -> e.extra.add("\"shape\":[" + String.join(",", e.shape) + "]");
      case 2 -> e.extra.add("\"data_offsets\":[" + String.join(",", e.offsets) + "]");
      default -> e.extra.add("\"x\":{\"k\":1,\"j\":[{\"z\":0,\"z\":0}]}");
    }
    if (d.metadataJson != null && r.nextBoolean()) {
      d.metadataJson = "{\"dup\":\"a\",\"dup\":\"a\"}";
    }
    return d.bytes();
  }

  private interface Rewrite {
    String apply(Random r, String literal);
  }

  /** Rewrites one number of one entry's shape or offsets. */
  private static byte[] number(Random r, Seed s, Rewrite rewrite) {
    FuzzDoc d = s.doc().copy();
    FuzzDoc.Entry e = pick(r, d.entries);
    List<String> list = e.shape.isEmpty() || r.nextBoolean() ? e.offsets : e.shape;
    int i = r.nextInt(list.size());
    list.set(i, rewrite.apply(r, list.get(i)));
    return d.bytes();
  }

  private static String asFloat(Random r, String v) {
    String digits = v.length() > 1 ? v.charAt(0) + "." + v.substring(1) : v + ".0";
    String[] forms = {
      v + ".0", v + ".00", v + "e0", v + "E+0", digits + "e" + (v.length() - 1), v + "0e-1"
    };
    return forms[r.nextInt(forms.length)];
  }

  private static String huge(Random r, String v) {
    String[] forms = {
      "9223372036854775807",
      "9223372036854775808",
      "18446744073709551615",
      "99999999999999999999999",
      "4611686018427387904",
      v + "000000000000",
      "1" + "0".repeat(400)
    };
    return forms[r.nextInt(forms.length)];
  }

  private static byte[] shapeMismatch(Random r, Seed s) {
    FuzzDoc d = s.doc().copy();
    FuzzDoc.Entry e = pick(r, d.entries);
    if (e.shape.isEmpty() || r.nextInt(3) == 0) {
      e.dtypeJson = FuzzDoc.quote(GOOD_DTYPES[r.nextInt(GOOD_DTYPES.length)]);
    } else if (r.nextBoolean()) {
      int i = r.nextInt(e.shape.size());
      e.shape.set(
          i,
          Long.toString(Math.max(0, Long.parseLong(e.shape.get(i)) + (r.nextBoolean() ? 1 : -1))));
    } else {
      e.shape.add(r.nextBoolean() ? "2" : "0");
    }
    return d.bytes();
  }

  /** Moves one tensor (and all after it) forward by a few unused bytes. */
  private static byte[] gap(Random r, Seed s) {
    FuzzDoc d = s.doc().copy();
    int k = 1 + r.nextInt(8);
    long at = Long.parseLong(pick(r, d.entries).offsets.get(0));
    for (FuzzDoc.Entry e : d.entries) {
      shift(e, at, k);
    }
    byte[] data = concat(Arrays.copyOf(d.data, (int) at), randomBytes(r, k));
    d.data = concat(data, Arrays.copyOfRange(s.doc().data, (int) at, s.doc().data.length));
    return d.bytes();
  }

  /** Moves one tensor back by a few bytes onto the one before it. */
  private static byte[] overlap(Random r, Seed s) {
    FuzzDoc d = s.doc().copy();
    FuzzDoc.Entry e = pick(r, d.entries);
    int k = 1 + r.nextInt(8);
    long begin = Long.parseLong(e.offsets.get(0));
    long end = Long.parseLong(e.offsets.get(1));
    long newBegin = Math.max(0, begin - k);
    e.offsets.set(0, Long.toString(newBegin));
    e.offsets.set(1, Long.toString(end - (begin - newBegin)));
    return d.bytes();
  }

  private static byte[] missingData(Random r, Seed s) {
    byte[] data = s.doc().data;
    return withData(s, Arrays.copyOf(data, Math.max(0, data.length - 1 - r.nextInt(8))));
  }

  private static byte[] unknownDtype(Random r, Seed s) {
    FuzzDoc d = s.doc().copy();
    pick(r, d.entries).dtypeJson = FuzzDoc.quote(BAD_DTYPES[r.nextInt(BAD_DTYPES.length)]);
    return d.bytes();
  }

  private static byte[] metadataNonString(Random r, Seed s) {
    FuzzDoc d = s.doc().copy();
    String[] values = {"1", "1.5", "true", "null", "[\"a\"]", "{\"a\":\"b\"}", "\"ok\""};
    String v = values[r.nextInt(values.length)];
    d.metadataJson = r.nextInt(4) == 0 ? v : "{\"format\":\"pt\",\"k\":" + v + "}";
    return d.bytes();
  }

  private static byte[] nestedGarbage(Random r, Seed s) {
    FuzzDoc d = s.doc().copy();
    String garbage = FuzzJson.value(r, 0);
    if (r.nextInt(5) == 0) {
      d.extraTop.add("\"junk\":" + garbage);
    } else if (r.nextInt(10) == 0) {
      // Around the nesting limit: an extra field's value starts at level 3 of 128.
      pick(r, d.entries).extra.add("\"deep\":" + FuzzJson.nested(r, 122 + r.nextInt(10)));
    } else {
      pick(r, d.entries).extra.add("\"extra\":" + garbage);
    }
    return d.bytes();
  }

  private static byte[] missingField(Random r, Seed s) {
    FuzzDoc d = s.doc().copy();
    FuzzDoc.Entry e = pick(r, d.entries);
    String[] wrong = {"null", "\"F32\"", "1", "{}", "[[1]]", "[\"0\",\"4\"]", "true"};
    switch (r.nextInt(6)) {
      case 0 -> e.dtypeJson = null;
      case 1 -> e.shape = null;
      case 2 -> e.offsets = null;
      case 3 -> e.dtypeJson = wrong[r.nextInt(wrong.length)];
      case 4 -> e.offsets.add(e.offsets.get(1));
      default -> {
        d.extraTop.add("\"bad\":" + wrong[r.nextInt(wrong.length)]);
      }
    }
    return d.bytes();
  }

  /** Adds a tensor of 0 bytes at some offset; valid only at a boundary between tensors. */
  private static byte[] zeroByteTensor(Random r, Seed s) {
    FuzzDoc d = s.doc().copy();
    FuzzDoc.Entry z = new FuzzDoc.Entry();
    z.name = "zero" + r.nextInt(1000);
    z.dtypeJson = FuzzDoc.quote(GOOD_DTYPES[r.nextInt(GOOD_DTYPES.length)]);
    z.shape.addAll(r.nextBoolean() ? List.of("0") : List.of("3", "0", "2"));
    FuzzDoc.Entry at = pick(r, d.entries);
    long offset =
        r.nextInt(4) == 0
            ? r.nextInt(d.data.length + 1)
            : Long.parseLong(at.offsets.get(r.nextInt(2)));
    z.offsets.add(Long.toString(offset));
    z.offsets.add(Long.toString(offset));
    d.entries.add(r.nextInt(d.entries.size() + 1), z);
    return d.bytes();
  }

  private static byte[] reorder(Random r, Seed s) {
    FuzzDoc d = s.doc().copy();
    Collections.shuffle(d.entries, r);
    return d.bytes();
  }

  private static byte[] whitespace(Random r, Seed s) {
    FuzzDoc d = s.doc().copy();
    String[] good = {" ", "\t", "\n", "\r\n", "    "};
    String[] bad = {"\u00a0", "\f", "\u000b", "\u2028", "\u0000"};
    String w = r.nextInt(4) == 0 ? bad[r.nextInt(bad.length)] : good[r.nextInt(good.length)];
    if (r.nextInt(3) == 0) {
      d.before = w;
    } else {
      d.after = w.repeat(1 + r.nextInt(9));
    }
    return d.bytes();
  }

  private static byte[] trailingJunk(Random r, Seed s) {
    FuzzDoc d = s.doc().copy();
    String[] junk = {"x", "{}", ",", "\u0000", "]", "}", "   1", " //", "/*c*/", "null"};
    d.after = (r.nextBoolean() ? " " : "") + junk[r.nextInt(junk.length)];
    return d.bytes();
  }

  private static byte[] escapes(Random r, Seed s) {
    FuzzDoc d = s.doc().copy();
    String[] names = {
      "a\\nb", "caf\\u00e9", "\\ud83d\\ude00", "\\ud800", "\\udc00x", "bad\\x", "tab\u0009",
      "new\nline", "q\\\"uote", "sl\\/ash", "", "\\u0000", "\\uZZZZ", "ü€"
    };
    pick(r, d.entries).name = names[r.nextInt(names.length)];
    return d.bytes();
  }

  // Helpers.

  private static void shift(FuzzDoc.Entry e, long from, long by) {
    if (Long.parseLong(e.offsets.get(0)) >= from) {
      for (int i = 0; i < 2; i++) {
        e.offsets.set(i, Long.toString(Long.parseLong(e.offsets.get(i)) + by));
      }
    }
  }

  private static byte[] withData(Seed s, byte[] data) {
    FuzzDoc d = s.doc().copy();
    d.data = data;
    return d.bytes();
  }

  private static byte[] insertInHeader(byte[] file, int at, byte[] insert) {
    byte[] h = FuzzDoc.header(file);
    byte[] spliced =
        concat(concat(Arrays.copyOf(h, at), insert), Arrays.copyOfRange(h, at, h.length));
    return FuzzDoc.file(spliced, FuzzDoc.data(file));
  }

  private static <T> T pick(Random r, List<T> list) {
    return list.get(r.nextInt(list.size()));
  }

  static byte[] randomBytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
