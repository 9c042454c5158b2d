package dev.depthscope.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.depthscope.core.checkpoint.FuzzMutations.Named;
import dev.depthscope.core.checkpoint.FuzzMutations.Seed;
import dev.depthscope.core.checkpoint.ReferenceValidator.Verdict;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzzer over the safetensors reader: valid seed files (from both project writers and
 * built byte by byte) are mutated in every class of {@link FuzzMutations}, and each case must
 * either open, agreeing with {@link ReferenceValidator} that it obeys every rule and on what it
 * holds, or fail with a {@link CheckpointException} of one line that names the file, while {@link
 * ReferenceValidator} names a rule it breaks. Anything else (another exception, a valid file
 * refused, a slow case) fails the test. Counts per class are printed for the record.
 */
class SafetensorsFuzzTest {
  private static final long SEED = 20_261_202L;
  private static final int CASES_PER_CLASS = 80;
  private static final long CASE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(2);
  private static final long TOTAL_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final List<String> LIBRARY_TEXT =
      List.of(
          "setStrictness",
          "LENIENT",
          "Malformed",
          "com.google",
          "gson",
          "Troubleshooting",
          "JsonReader",
          "Exception");

  /** Classes whose mutations keep the file valid at least sometimes. */
  private static final Set<String> CAN_STAY_VALID =
      Set.of(
          "flip-data-byte",
          "reorder-entries",
          "zero-byte-tensor",
          "whitespace",
          "nested-garbage",
          "string-escapes",
          "shape-mismatch",
          "empty-header");

  /** Classes whose mutations never break a rule. */
  private static final Set<String> ALWAYS_VALID = Set.of("flip-data-byte", "reorder-entries");

  @TempDir Path dir;

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void everyMutationOpensAsAValidFileOrFailsWithOneLineNamingTheFile() throws IOException {
    List<Seed> seeds = seeds();
    for (Seed s : seeds) {
      assertTrue(ReferenceValidator.check(s.bytes()).valid(), s.label());
      assertTrue(ReferenceValidator.check(s.doc().bytes()).valid(), s.label() + " as text");
    }
    Random random = new Random(SEED);
    Map<String, int[]> counts = new LinkedHashMap<>();
    long started = System.nanoTime();
    long slowest = 0;
    int caseNo = 0;
    for (Named m : FuzzMutations.all()) {
      int[] c = counts.computeIfAbsent(m.name(), k -> new int[2]);
      for (int i = 0; i < CASES_PER_CLASS; i++, caseNo++) {
        Seed seed = seeds.get(random.nextInt(seeds.size()));
        byte[] bytes = m.mutation().apply(random, seed);
        String label = "case " + caseNo + " (" + m.name() + " of " + seed.label() + ")";
        Path p = Files.write(dir.resolve("case" + caseNo + ".safetensors"), bytes);
        long t0 = System.nanoTime();
        boolean loaded = runCase(label, p, bytes);
        long took = System.nanoTime() - t0;
        slowest = Math.max(slowest, took);
        assertTrue(took < CASE_LIMIT_NANOS, () -> label + " took " + took / 1_000_000 + " ms");
        c[loaded ? 0 : 1]++;
        Files.delete(p);
      }
    }
    long total = System.nanoTime() - started;
    report(counts, caseNo, total, slowest);
    assertTrue(caseNo >= 2000, "at least 2000 cases");
    assertTrue(total < TOTAL_LIMIT_NANOS, () -> "took " + total / 1_000_000 + " ms");
    counts.forEach(
        (name, c) -> {
          if (!ALWAYS_VALID.contains(name)) {
            assertTrue(c[1] > 0, () -> name + " never produced a file that breaks a rule");
          }
          if (CAN_STAY_VALID.contains(name)) {
            assertTrue(c[0] > 0, () -> name + " never produced a valid file");
          }
        });
  }

  /** Runs one case; true when the file opened. */
  private static boolean runCase(String label, Path p, byte[] bytes) {
    Verdict v = ReferenceValidator.check(bytes);
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertTrue(v.valid(), () -> label + ": opened, but it breaks the rule: " + v.violation());
      checkContents(label, f, v, bytes);
      return true;
    } catch (CheckpointException e) {
      assertFalse(v.valid(), () -> label + ": a valid file was refused: " + e.getMessage());
      checkMessage(label, p, bytes, e.getMessage());
      return false;
    } catch (RuntimeException | Error e) {
      return fail(label + ": " + e.getClass().getName() + " instead of a CheckpointException", e);
    }
  }

  /** Whether a float tensor's bytes hold a NaN or an infinity (all exponent bits set). */
  private static boolean nonFinite(byte[] file, TensorInfo t) {
    ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
    if (t.numel() == 0 || t.byteSize() == 0) {
      return false;
    }
    int size = (int) (t.byteSize() / t.numel());
    for (long pos = t.start(); pos + size <= t.end(); pos += size) {
      boolean bad =
          switch (t.dtype().name()) {
            case "F32" -> (b.getInt((int) pos) & 0x7F800000) == 0x7F800000;
            case "F16" -> (b.getShort((int) pos) & 0x7C00) == 0x7C00;
            case "BF16" -> (b.getShort((int) pos) & 0x7F80) == 0x7F80;
            case "F64" -> (b.getLong((int) pos) & 0x7FF0000000000000L) == 0x7FF0000000000000L;
            default -> false;
          };
      if (bad) {
        return true;
      }
    }
    return false;
  }

  private static void checkContents(String label, SafetensorsFile f, Verdict v, byte[] bytes) {
    List<ReferenceValidator.Tensor> seen = new ArrayList<>();
    for (TensorInfo t : f.tensors().values()) {
      List<Long> shape = Arrays.stream(t.shape()).boxed().toList();
      seen.add(
          new ReferenceValidator.Tensor(t.name(), t.dtype().name(), shape, t.start(), t.end()));
      if (t.dtype().isFloatWeight()) {
        // A valid file may still hold NaN or Inf (a flipped data byte): loading refuses those
        // weights by name, which the independent check of the bytes must confirm.
        boolean nonFinite = nonFinite(bytes, t);
        try {
          assertEquals(t.numel(), f.readFloats(t.name()).length, label);
          assertFalse(nonFinite, () -> label + ": a non-finite weight of " + t.name() + " loaded");
        } catch (CheckpointException e) {
          assertTrue(nonFinite, () -> label + ": finite weights refused: " + e.getMessage());
          assertTrue(e.getMessage().contains("non-finite weight"), e.getMessage());
          checkMessage(label, f.path(), bytes, e.getMessage());
        }
      } else if (t.dtype().isInteger()) {
        assertEquals(t.numel(), f.readLongs(t.name()).length, label);
      }
    }
    assertEquals(v.tensors(), seen, label);
    assertEquals(v.metadata(), f.metadata(), label);
  }

  private static void checkMessage(String label, Path p, byte[] bytes, String m) {
    assertTrue(m.startsWith(p + ": "), () -> label + ": does not start with the file: " + m);
    assertFalse(m.contains("\n") || m.contains("\r"), () -> label + ": not one line: " + m);
    assertTrue(m.length() < 1000, () -> label + ": message of " + m.length() + " chars");
    String said = m.substring(p.toString().length());
    for (String hint : LIBRARY_TEXT) {
      assertFalse(said.contains(hint), () -> label + ": library text in: " + m);
    }
    if (bytes.length >= 8) {
      long field = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      if (field < 0 || field > SafetensorsFile.MAX_HEADER_BYTES) {
        assertFalse(
            said.contains(Long.toString(field)) || said.contains(Long.toUnsignedString(field)),
            () -> label + ": echoes the raw length field " + field + ": " + m);
      }
    }
  }

  private static void report(Map<String, int[]> counts, int cases, long total, long slowest) {
    System.out.printf("safetensors fuzz: seed %d, %d cases%n", SEED, cases);
    System.out.printf("  %-26s %7s %7s%n", "mutation class", "loaded", "refused");
    counts.forEach((name, c) -> System.out.printf("  %-26s %7d %7d%n", name, c[0], c[1]));
    int loaded = counts.values().stream().mapToInt(c -> c[0]).sum();
    System.out.printf(
        "  total: %d loaded (valid), %d refused with one-line errors; %d ms, slowest case %d ms%n",
        loaded, cases - loaded, total / 1_000_000, slowest / 1_000_000);
  }

  private List<Seed> seeds() throws IOException {
    List<Seed> seeds = new ArrayList<>();
    Path w = dir.resolve("writer.safetensors");
    new SafetensorsWriter()
        .addFloats("a", new float[] {1, 2, 3, 4, 5, 6}, 2, 3)
        .addLongs("ids", new long[] {7, 8, 9}, 3)
        .addFloats("b", new float[] {-1, -2}, 2)
        .metadata("format", "pt")
        .write(w);
    seeds.add(
        seed(
            "SafetensorsWriter file",
            Files.readAllBytes(w),
            Map.of("format", "pt"),
            List.of(
                new String[] {"a", "F32", "2", "3"},
                new String[] {"ids", "I64", "3"},
                new String[] {"b", "F32", "2"})));
    Path s = dir.resolve("streaming.safetensors");
    try (StreamingSafetensorsWriter sw =
        new StreamingSafetensorsWriter(
            s,
            List.of(
                new StreamingSafetensorsWriter.Spec("h", DType.BF16, 2, 2),
                new StreamingSafetensorsWriter.Spec("e", DType.F16, 0),
                new StreamingSafetensorsWriter.Spec("f", DType.F32, 3)))) {
      sw.write(new float[] {1, -2, 3.5f, 4}, 0, 4);
      sw.write(new float[] {0.25f, 6, 7}, 0, 3);
      sw.finish();
    }
    seeds.add(
        seed(
            "StreamingSafetensorsWriter file",
            Files.readAllBytes(s),
            Map.of(),
            List.of(
                new String[] {"h", "BF16", "2", "2"},
                new String[] {"e", "F16", "0"},
                new String[] {"f", "F32", "3"})));
    List<String[]> mixed =
        List.of(
            new String[] {"bf", "BF16", "4"},
            new String[] {"i8", "I8", "3"},
            new String[] {"empty", "F32", "0"},
            new String[] {"d", "F64", "1"},
            new String[] {"u8", "U8", "5", "1"},
            new String[] {"flags", "BOOL", "2"},
            new String[] {"scalar", "F32"},
            new String[] {"big", "U64", "1"},
            new String[] {"fp8", "F8_E4M3", "2"});
    FuzzDoc doc = FuzzDoc.of(Map.of(), mixed, FuzzMutations.randomBytes(new Random(SEED), 40));
    seeds.add(new Seed("mixed dtypes, unaligned data", doc.bytes(), doc));
    FuzzDoc one =
        FuzzDoc.of(
            new LinkedHashMap<>(Map.of("note", "caf\u00e9 \u20ac")),
            List.of(new String[][] {{"w", "F16", "3"}}),
            new byte[6]);
    one.after = "   ";
    seeds.add(new Seed("one tensor with metadata", one.bytes(), one));
    return seeds;
  }

  private static Seed seed(
      String label, byte[] bytes, Map<String, String> metadata, List<String[]> tensors) {
    return new Seed(label, bytes, FuzzDoc.of(metadata, tensors, FuzzDoc.data(bytes)));
  }
}
