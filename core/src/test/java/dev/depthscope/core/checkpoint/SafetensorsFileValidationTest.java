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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every malformed file must fail with a {@link CheckpointException} whose message names the file
 * and the problem, never with another exception type (and never by ending the JVM).
 */
class SafetensorsFileValidationTest {
  @TempDir Path dir;

  /** Opens {@code bytes} written to {@code name} and returns the message of the expected error. */
  private String failureOpening(String name, byte[] bytes) {
    Path p = write(dir.resolve(name), bytes);
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> SafetensorsFile.open(p).close());
    assertTrue(
        e.getMessage().contains(name), () -> "message should name the file: " + e.getMessage());
    return e.getMessage();
  }

  private static void assertMentions(String message, String... words) {
    for (String w : words) {
      assertTrue(
          message.toLowerCase(Locale.ROOT).contains(w.toLowerCase(Locale.ROOT)),
          () -> "expected \"" + w + "\" in: " + message);
    }
  }

  private static String header(String... entries) {
    return "{" + String.join(",", entries) + "}";
  }

  private Path goodFile() throws IOException {
    Path p = dir.resolve("good.safetensors");
    new SafetensorsWriter()
        .addFloats("a", new float[] {1, 2, 3, 4, 5, 6}, 2, 3)
        .addLongs("ids", new long[] {7, 8, 9}, 3)
        .addFloats("b", new float[] {-1, -2}, 2)
        .metadata("format", "pt")
        .write(p);
    return p;
  }

  @Test
  void goodFileOpensAndItsTensorsRead() throws IOException {
    try (SafetensorsFile f = SafetensorsFile.open(goodFile())) {
      assertEquals(java.util.List.of("a", "ids", "b"), java.util.List.copyOf(f.tensors().keySet()));
      assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, f.readFloats("a"));
      assertArrayEquals(new long[] {7, 8, 9}, f.readLongs("ids"));
      assertEquals(Map.of("format", "pt"), f.metadata());
    }
  }

  @Test
  void everyProperPrefixOfAGoodFileIsReportedAsTruncated() throws IOException {
    byte[] good = Files.readAllBytes(goodFile());
    for (int cut = 0; cut < good.length; cut++) {
      String m = failureOpening("cut" + cut + ".safetensors", Arrays.copyOf(good, cut));
      assertMentions(m, "truncated");
    }
  }

  @Test
  void fileShorterThanEightBytesSaysItLacksTheLengthField() {
    for (int size = 0; size < 8; size++) {
      String m = failureOpening("tiny" + size + ".safetensors", new byte[size]);
      assertMentions(m, "truncated", size + " bytes", "8-byte header length");
    }
  }

  @Test
  void headerLengthBeyondTheFileIsReported() {
    byte[] h = header(entry("a", "F32", new long[] {1}, 0, 4)).getBytes(StandardCharsets.UTF_8);
    String m = failureOpening("long.safetensors", file(h.length + 100, h, f32(1f)));
    assertMentions(m, "truncated or corrupt", "header claims " + (h.length + 100));
  }

  @Test
  void absurdHeaderLengthsAreRejectedBeforeAnyAllocation() {
    byte[] h = "{}".getBytes(StandardCharsets.UTF_8);
    assertMentions(failureOpening("zero.safetensors", file(0, h, new byte[0])), "header length 0");
    String negative = failureOpening("negative.safetensors", file(-1, h, new byte[0]));
    assertMentions(negative, "header length is not between 1 and 104857600", "not a safetensors");
    // The 8 bytes are not a length in a file of another kind, so they are not printed as one.
    String said = negative.substring(negative.indexOf("negative.safetensors"));
    assertFalse(said.contains(Long.toUnsignedString(-1L)), negative);
    assertFalse(said.contains("-1"), negative);
    String huge =
        failureOpening("huge.safetensors", file(SafetensorsFile.MAX_HEADER_BYTES + 1, h, h));
    assertMentions(huge, "not between 1 and 104857600");
    assertFalse(huge.contains(String.valueOf(SafetensorsFile.MAX_HEADER_BYTES + 1)), huge);
  }

  @Test
  void nonJsonHeaderIsReported() {
    String m = failureOpening("text.safetensors", file("this is not json at all", new byte[0]));
    assertMentions(m, "header is not valid JSON");
  }

  @Test
  void nonUtf8HeaderIsReported() {
    byte[] h = {'{', '"', (byte) 0xff, (byte) 0xfe, '"', ':', '1', '}'};
    assertMentions(
        failureOpening("latin.safetensors", file(h.length, h, new byte[0])), "not valid UTF-8");
  }

  @Test
  void headerThatIsNotAnObjectIsReported() {
    assertMentions(
        failureOpening("array.safetensors", file("[1,2]", new byte[0])),
        "not valid JSON",
        "expected a JSON object",
        "found an array");
    assertMentions(
        failureOpening("blank.safetensors", file("        ", new byte[0])),
        "expected a JSON object, found only blanks");
  }

  @Test
  void trailingSpacesAfterTheHeaderObjectAreAccepted() {
    String h = header(entry("a", "F32", new long[] {2}, 0, 8)) + "     \n\t ";
    Path p = write(dir.resolve("padded.safetensors"), file(h, f32(1.5f, -2.5f)));
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertArrayEquals(new float[] {1.5f, -2.5f}, f.readFloats("a"));
    }
  }

  @Test
  void trailingDataAfterTheHeaderObjectIsReported() {
    String good = header(entry("a", "F32", new long[] {1}, 0, 4));
    for (String tail : new String[] {"x", "{}", "\u0000\u0000", ",", "]"}) {
      String m = failureOpening("tail.safetensors", file(good + tail, f32(1f)));
      assertMentions(m, "header is not valid JSON", "trailing data");
    }
  }

  @Test
  void deeplyNestedHeaderFailsCleanlyInsteadOfOverflowingTheStack() {
    String deep = "{\"a\":" + "[".repeat(200_000) + "]".repeat(200_000) + "}";
    assertMentions(
        failureOpening("deep.safetensors", file(deep, new byte[0])), "tensor \"a\"", "an object");
    String hidden =
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0],\"extra\":"
            + "[".repeat(200_000)
            + "]".repeat(200_000)
            + "}}";
    assertMentions(
        failureOpening("deeper.safetensors", file(hidden, new byte[0])),
        "tensor \"a\"",
        "deeper than 128 levels");
  }

  @Test
  void offsetsPastTheEndOfTheDataAreaAreReported() {
    String h = header(entry("w", "F32", new long[] {2}, 8, 16));
    String m = failureOpening("range.safetensors", file(h, f32(1f, 2f, 3f)));
    assertMentions(m, "tensor \"w\"", "[8, 16]", "past the end of the data area", "12 bytes");
  }

  @Test
  void negativeOrDecreasingOffsetsAreReported() {
    assertMentions(
        failureOpening(
            "neg.safetensors", file(header(entry("w", "F32", new long[] {1}, -4, 0)), f32(1f, 2f))),
        "tensor \"w\"",
        "\"data_offsets\" must hold non-negative integers",
        "negative number");
    assertMentions(
        failureOpening(
            "down.safetensors", file(header(entry("w", "F32", new long[] {0}, 8, 4)), f32(1, 2))),
        "[8, 4]",
        "not an increasing range");
  }

  @Test
  void overlappingOffsetsAreReportedWithBothTensorsAndTheSharedBytes() {
    String h =
        header(entry("a", "F32", new long[] {2}, 0, 8), entry("b", "F32", new long[] {2}, 4, 12));
    String m = failureOpening("overlap.safetensors", file(h, f32(1, 2, 3)));
    assertMentions(m, "\"a\"", "\"b\"", "overlap", "bytes 4..8");
  }

  @Test
  void aTensorNestedInsideAnotherIsAnOverlapOfItsOwnBytes() {
    String h =
        header(
            entry("outer", "F32", new long[] {4}, 0, 16),
            entry("inner", "F32", new long[] {1}, 4, 8));
    String m = failureOpening("nested.safetensors", file(h, f32(1, 2, 3, 4)));
    assertMentions(m, "\"outer\"", "\"inner\"", "overlap", "bytes 4..8");
  }

  @Test
  void identicalRangesOverlapWhateverTheHeaderOrder() {
    String h =
        header(
            entry("c", "F32", new long[] {1}, 8, 12),
            entry("a", "F32", new long[] {2}, 0, 8),
            entry("b", "F32", new long[] {2}, 0, 8));
    assertMentions(failureOpening("same.safetensors", file(h, f32(1, 2, 3))), "overlap");
  }

  @Test
  void zeroSizeTensorInsideAnotherIsRefused() {
    // Sorted by offset the tensors must be back to back, so a 0-byte tensor may sit only at a
    // boundary between tensors (as in the reference implementation).
    String h =
        header(
            entry("a", "F32", new long[] {3}, 0, 12),
            entry("z", "F32", new long[] {0}, 4, 4),
            entry("b", "F32", new long[] {1}, 8, 12));
    assertMentions(
        failureOpening("hidden.safetensors", file(h, f32(1, 2, 3))),
        "tensor \"z\"",
        "0 bytes at byte 4",
        "inside tensor \"a\"");
  }

  @Test
  void zeroSizeTensorsShareOffsetsWithoutCountingAsOverlap() {
    String h =
        header(
            entry("a", "F32", new long[] {2}, 0, 8),
            entry("empty1", "F32", new long[] {0}, 8, 8),
            entry("empty2", "BF16", new long[] {0, 5}, 8, 8),
            entry("between", "F16", new long[] {3, 0}, 0, 0),
            entry("ids", "I64", new long[] {0}, 8, 8));
    Path p = write(dir.resolve("zeros.safetensors"), file(h, f32(1, 2)));
    try (SafetensorsFile f = SafetensorsFile.open(p, 64)) {
      assertEquals(5, f.tensors().size());
      assertArrayEquals(new float[0], f.readFloats("empty1"));
      assertArrayEquals(new float[0], f.readFloats("empty2"));
      assertArrayEquals(new float[0], f.readFloats("between"));
      assertArrayEquals(new long[0], f.readLongs("ids"));
      assertArrayEquals(new float[] {1, 2}, f.readFloats("a"));
      assertEquals(0, f.info("empty2").numel());
    }
  }

  @Test
  void zeroSizeTensorAtTheVeryEndOfAFileWithoutDataIsValid() {
    Path p =
        write(
            dir.resolve("nodata.safetensors"),
            file(header(entry("e", "F32", new long[] {0}, 0, 0)), new byte[0]));
    try (SafetensorsFile f = SafetensorsFile.open(p, 64)) {
      assertArrayEquals(new float[0], f.readFloats("e"));
    }
  }

  @Test
  void sizeMismatchBetweenShapeAndByteRangeIsReported() {
    String h = header(entry("w", "F32", new long[] {3}, 0, 8));
    String m = failureOpening("size.safetensors", file(h, f32(1, 2, 3)));
    assertMentions(m, "tensor \"w\"", "size mismatch", "[3]", "F32", "needs 12 bytes", "span 8");
  }

  @Test
  void shapeWhoseElementCountOverflowsIsReportedAsACheckpointError() {
    long big = 1L << 40;
    String m =
        failureOpening(
            "overflow.safetensors",
            file(header(entry("w", "F32", new long[] {big, big}, 0, 4)), f32(1)));
    assertMentions(m, "tensor \"w\"", "shape", "too large");
    String m2 =
        failureOpening(
            "overflow2.safetensors",
            file(header(entry("w", "F64", new long[] {1L << 61}, 0, 8)), f32(1, 2)));
    assertMentions(m2, "tensor \"w\"", "too large");
  }

  @Test
  void unknownDtypeIsReportedWithTheKnownOnes() {
    String h = header(entry("w", "F17", new long[] {1}, 0, 4));
    String m = failureOpening("dtype.safetensors", file(h, f32(1)));
    assertMentions(m, "tensor \"w\"", "unknown dtype \"F17\"", "BF16", "F32");
  }

  @Test
  void negativeDimensionIsReported() {
    String h = header(entry("w", "F32", new long[] {-1, -1}, 0, 4));
    assertMentions(
        failureOpening("negdim.safetensors", file(h, f32(1))),
        "\"shape\" must hold non-negative integers",
        "negative number");
  }

  @Test
  void missingOrMistypedFieldsAreNamed() {
    assertMentions(
        failureOpening(
            "nodtype.safetensors", file("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", f32(1))),
        "tensor \"w\"",
        "\"dtype\"");
    assertMentions(
        failureOpening(
            "noshape.safetensors",
            file("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", f32(1))),
        "\"shape\" must be an array");
    assertMentions(
        failureOpening(
            "threeoffsets.safetensors",
            file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4,8]}}", f32(1))),
        "\"data_offsets\" must have 2 entries");
    assertMentions(
        failureOpening(
            "fraction.safetensors",
            file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1.5],\"data_offsets\":[0,4]}}", f32(1))),
        "\"shape\" must hold non-negative integers",
        "fraction or exponent");
    assertMentions(
        failureOpening(
            "stringoffset.safetensors",
            file("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[\"0\",4]}}", f32(1))),
        "\"data_offsets\" must hold non-negative integers",
        "found a string");
    assertMentions(
        failureOpening("notobject.safetensors", file("{\"w\":[1,2]}", f32(1))),
        "tensor \"w\"",
        "expected an object");
  }

  @Test
  void metadataMustBeAStringMap() {
    assertMentions(
        failureOpening("meta1.safetensors", file("{\"__metadata__\":[1]}", new byte[0])),
        "__metadata__ must be an object");
    assertMentions(
        failureOpening("meta2.safetensors", file("{\"__metadata__\":{\"k\":3}}", new byte[0])),
        "__metadata__.k must be a string");
  }

  @Test
  void missingFileIsReportedByName() {
    Path p = dir.resolve("absent.safetensors");
    CheckpointException e = assertThrows(CheckpointException.class, () -> SafetensorsFile.open(p));
    assertMentions(e.getMessage(), p.toString(), "no such safetensors file");
  }
}
