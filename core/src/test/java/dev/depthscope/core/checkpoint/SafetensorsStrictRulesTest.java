package dev.depthscope.core.checkpoint;

import static dev.depthscope.core.checkpoint.SafetensorsBytes.entry;
import static dev.depthscope.core.checkpoint.SafetensorsBytes.f32;
import static dev.depthscope.core.checkpoint.SafetensorsBytes.file;
import static dev.depthscope.core.checkpoint.SafetensorsBytes.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The format's own rules that a tree JSON parser would let through: repeated keys, numbers that are
 * integers only in value, a byte order mark, gaps and trailing bytes in the data area; and that
 * every message stays one line of our own words.
 */
class SafetensorsStrictRulesTest {
  @TempDir Path dir;

  private static final String W = entry("w", "F32", new long[] {1}, 0, 4);

  private String failure(String name, byte[] bytes) {
    Path p = write(dir.resolve(name), bytes);
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> SafetensorsFile.open(p).close());
    String m = e.getMessage();
    assertTrue(m.startsWith(p.toString() + ": "), m);
    assertFalse(m.contains("\n") || m.contains("\r"), () -> "not one line: " + m);
    for (String hint : List.of("setStrictness", "LENIENT", "MalformedJson", "com.google", "gson")) {
      assertFalse(m.contains(hint), () -> "library text leaked: " + m);
    }
    return m;
  }

  private String failure(String name, String header, byte[] data) {
    return failure(name, file(header, data));
  }

  private static void assertMentions(String message, String... words) {
    for (String w : words) {
      assertTrue(
          message.toLowerCase(Locale.ROOT).contains(w.toLowerCase(Locale.ROOT)),
          () -> "expected \"" + w + "\" in: " + message);
    }
  }

  @Test
  void repeatedTensorNameIsRefused() {
    String h = "{" + W + "," + entry("w", "F32", new long[] {1}, 4, 8) + "}";
    assertMentions(failure("dup.safetensors", h, f32(1, 2)), "duplicate key \"w\"");
  }

  @Test
  void repeatedKeyInsideATensorEntryIsRefused() {
    String h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"shape\":[1],\"data_offsets\":[0,4]}}";
    assertMentions(
        failure("dupfield.safetensors", h, f32(1)), "tensor \"w\"", "duplicate key \"shape\"");
  }

  @Test
  void repeatedKeyInMetadataOrInAnUnknownFieldIsRefused() {
    String meta = "{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}," + W + "}";
    assertMentions(
        failure("dupmeta.safetensors", meta, f32(1)), "__metadata__", "duplicate key \"k\"");
    String deep =
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4],"
            + "\"x\":[{\"y\":{\"z\":1,\"z\":2}}]}}";
    assertMentions(failure("dupdeep.safetensors", deep, f32(1)), "tensor \"w\"", "duplicate key");
  }

  @Test
  void numbersMustBeIntegerLiterals() {
    for (String n : List.of("4.0", "0.4e1", "4e0", "4E0", "4.5")) {
      String h = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0," + n + "]}}";
      String m = failure("real.safetensors", h, f32(1));
      assertMentions(m, "tensor \"w\"", "data_offsets", "fraction or exponent");
      assertFalse(m.contains(n), m);
    }
    String shape = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1.0],\"data_offsets\":[0,4]}}";
    assertMentions(failure("shape.safetensors", shape, f32(1)), "\"shape\"", "fraction");
  }

  @Test
  void negativeZeroAndHugeNumbersAreRefused() {
    String neg = "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-0,4]}}";
    assertMentions(failure("negzero.safetensors", neg, f32(1)), "negative");
    String huge =
        "{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,99999999999999999999]}}";
    String m = failure("huge.safetensors", huge, f32(1));
    assertMentions(m, "too large for 64 bits");
    assertFalse(m.contains("99999999999999999999"), m);
  }

  @Test
  void byteOrderMarkAndLeadingWhitespaceAreRefused() {
    byte[] bom = ("\uFEFF{" + W + "}").getBytes(StandardCharsets.UTF_8);
    assertMentions(failure("bom.safetensors", file(bom.length, bom, f32(1))), "byte order mark");
    assertMentions(
        failure("lead.safetensors", " {" + W + "}", f32(1)), "starting with '{'", "whitespace");
  }

  @Test
  void gapBetweenTensorsIsRefused() {
    String h = "{" + W + "," + entry("v", "F32", new long[] {1}, 8, 12) + "}";
    assertMentions(
        failure("gap.safetensors", h, f32(1, 2, 3)), "tensor \"v\"", "gap", "bytes 4..8");
    String start = "{" + entry("v", "F32", new long[] {1}, 4, 8) + "}";
    assertMentions(failure("gap0.safetensors", start, f32(1, 2)), "gap", "bytes 0..4");
  }

  @Test
  void trailingBytesAfterTheLastTensorAreRefused() {
    String m = failure("tail.safetensors", "{" + W + "}", f32(1, 2));
    assertMentions(m, "trailing bytes", "\"w\"", "bytes 4..8");
    assertMentions(failure("none.safetensors", "{}", f32(1)), "lists no tensors", "bytes 0..4");
  }

  @Test
  void metadataValuesMustBeStrings() {
    for (String v : List.of("null", "1", "true", "[\"a\"]", "{\"a\":\"b\"}")) {
      String h = "{\"__metadata__\":{\"k\":" + v + "}}";
      assertMentions(
          failure("meta.safetensors", h, new byte[0]), "__metadata__.k must be a string");
    }
    assertMentions(
        failure("metanull.safetensors", "{\"__metadata__\":null}", new byte[0]),
        "__metadata__ must be an object of strings");
  }

  @Test
  void unpairedSurrogateEscapeIsRefused() {
    String h = "{\"w\\ud800\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    assertMentions(failure("surrogate.safetensors", h, f32(1)), "unpaired surrogate");
  }

  @Test
  void syntaxErrorsAreReportedInOurOwnWords() {
    for (String bad :
        List.of(
            "{\"w\":01}",
            "{w:1}",
            "{\"a\":'x'}",
            "{\"__metadata__\":{\"k\":\"v\",}}",
            "{\"a\":NaN}")) {
      assertMentions(failure("syntax.safetensors", bad, new byte[0]), "not valid JSON", "column");
    }
    assertMentions(
        failure("ctl.safetensors", "{\"a\u0001\":1}", new byte[0]), "unescaped control character");
    assertMentions(
        failure("colon.safetensors", "{\"a\" 1}", new byte[0]), "expected ':' after a key");
    assertMentions(
        failure("key.safetensors", "{\"__metadata__\":{},}", new byte[0]),
        "expected a key in double quotes");
  }

  @Test
  void namesFromTheFileCannotBreakTheMessageOverLines() {
    String h = "{\"evil\\nname\\r\":{\"dtype\":\"X9\",\"shape\":[1],\"data_offsets\":[0,4]}}";
    String m = failure("evil.safetensors", h, f32(1));
    assertMentions(m, "tensor \"evil\\u000aname\\u000d\"", "unknown dtype \"X9\"");
  }

  @Test
  void everyDtypeOfTheFormatIsKnownEvenWhenTheModelCannotUseIt() {
    StringBuilder h = new StringBuilder("{");
    long offset = 0;
    for (DType t : DType.values()) {
      if (h.length() > 1) {
        h.append(',');
      }
      h.append(
          entry(
              t.name().toLowerCase(Locale.ROOT),
              t.name(),
              new long[] {2},
              offset,
              offset + 2L * t.bytes()));
      offset += 2L * t.bytes();
    }
    Path p =
        write(
            dir.resolve("dtypes.safetensors"),
            file(h.append('}').toString(), new byte[(int) offset]));
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertEquals(DType.values().length, f.tensors().size());
      assertEquals(DType.U64, f.info("u64").dtype());
    }
  }

  @Test
  void unknownFieldsOfAnEntryAndTrailingWhitespaceAreAccepted() {
    String h =
        "{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2],"
            + "\"data_offsets\":[0,8],\"note\":[{\"a\":[1.5,null,true]}]}}   \t\r\n";
    Path p = write(dir.resolve("extra.safetensors"), file(h, f32(3, 4)));
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertArrayEquals(new float[] {3, 4}, f.readFloats("w"));
      assertEquals(Map.of("format", "pt"), f.metadata());
    }
  }

  @Test
  void everySafetensorsFileInTheTestDataObeysTheRules() throws IOException {
    // Written by transformers, by the reference library and by our own writers.
    List<Path> files;
    try (Stream<Path> walk = Files.walk(TestData.root())) {
      files = walk.filter(f -> f.toString().endsWith(".safetensors")).sorted().toList();
    }
    assertTrue(files.size() >= 30, () -> "expected the fixtures, found " + files);
    for (Path f : files) {
      try (SafetensorsFile s = SafetensorsFile.open(f)) {
        assertFalse(s.tensors().isEmpty(), f::toString);
      }
    }
  }

  @Test
  void emptyHeaderWithoutDataIsAValidFileWithNoTensors() {
    try (SafetensorsFile f =
        SafetensorsFile.open(write(dir.resolve("e.safetensors"), file("{}", new byte[0])))) {
      assertTrue(f.tensors().isEmpty());
    }
  }
}
