package dev.depthscope.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The loader against real checkpoints written by {@code transformers} (read-only, in {@code
 * testdata/fixtures}). Expected values come from the raw file bytes, parsed here independently of
 * {@link SafetensorsFile}.
 */
class CheckpointFixturesTest {
  /** An odd window far below the file sizes, but few enough mappings for a 3 MB model. */
  private static final long SMALL_WINDOW = 4093;

  private static Path fixture(String name) {
    return TestData.model(name);
  }

  /** One tensor as described by the header, read without the code under test. */
  private record RawTensor(String dtype, long[] shape, long start, long end) {}

  private static Map<String, RawTensor> rawHeader(byte[] file) {
    long n = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong();
    JsonObject h =
        JsonParser.parseString(new String(file, 8, (int) n, StandardCharsets.UTF_8))
            .getAsJsonObject();
    Map<String, RawTensor> out = new TreeMap<>();
    for (Map.Entry<String, JsonElement> e : h.entrySet()) {
      if (e.getKey().equals("__metadata__")) {
        continue;
      }
      JsonObject o = e.getValue().getAsJsonObject();
      long[] shape = new long[o.getAsJsonArray("shape").size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = o.getAsJsonArray("shape").get(i).getAsLong();
      }
      long begin = o.getAsJsonArray("data_offsets").get(0).getAsLong();
      long end = o.getAsJsonArray("data_offsets").get(1).getAsLong();
      out.put(
          e.getKey(),
          new RawTensor(o.get("dtype").getAsString(), shape, 8 + n + begin, 8 + n + end));
    }
    return out;
  }

  /**
   * Checks that the checkpoint holds exactly the tensors of its files' headers (restricted to
   * {@code expectedNames}) at the same places, and that every tensor reads, with the small window
   * too, as the raw bytes say: F32 bit for bit, BF16 as bits << 16.
   */
  private static void checkEveryTensor(Checkpoint c, Map<String, String> fileOf)
      throws IOException {
    assertEquals(new TreeMap<>(fileOf).keySet(), new TreeMap<>(c.tensors()).keySet());
    Map<String, byte[]> bytes = new HashMap<>();
    Map<String, Map<String, RawTensor>> headers = new HashMap<>();
    try (Checkpoint small = Checkpoint.open(c.dir(), SMALL_WINDOW)) {
      for (Map.Entry<String, String> e : fileOf.entrySet()) {
        String name = e.getKey();
        String file = e.getValue();
        byte[] raw =
            bytes.computeIfAbsent(
                file,
                f -> {
                  try {
                    return Files.readAllBytes(c.dir().resolve(f));
                  } catch (IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                  }
                });
        RawTensor r = headers.computeIfAbsent(file, f -> rawHeader(raw)).get(name);
        TensorInfo t = c.require(name, r.shape());
        assertEquals(file, t.file().getFileName().toString(), name);
        assertEquals(r.dtype(), t.dtype().name(), name);
        assertEquals(r.start(), t.start(), name);
        assertEquals(r.end(), t.end(), name);

        float[] values = new float[(int) t.numel()];
        c.readFloats(t, 0, t.numel(), java.nio.FloatBuffer.wrap(values));
        ByteBuffer data =
            ByteBuffer.wrap(raw, (int) r.start(), (int) (r.end() - r.start()))
                .slice()
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
          int expectedBits =
              switch (t.dtype()) {
                case F32 -> data.getInt(4 * i);
                case BF16 -> (data.getShort(2 * i) & 0xffff) << 16;
                default -> throw new AssertionError(name + ": unexpected dtype " + t.dtype());
              };
          if (Float.floatToRawIntBits(values[i]) != expectedBits) {
            fail(name + "[" + i + "]: read " + values[i] + ", file holds " + expectedBits);
          }
        }
        float[] again = new float[values.length];
        small.readFloats(small.require(name), 0, t.numel(), java.nio.FloatBuffer.wrap(again));
        assertArrayEquals(values, again, name + " with " + SMALL_WINDOW + "-byte windows");
      }
    }
  }

  @Test
  void shardedFp32FixtureHasExactlyTheIndexTensorsAndReadsThemAll() throws IOException {
    Path dir = fixture("llama-tiny-sharded-fp32");
    JsonObject index =
        JsonParser.parseString(Files.readString(dir.resolve(Checkpoint.INDEX_FILE)))
            .getAsJsonObject();
    Map<String, String> weightMap = new TreeMap<>();
    index
        .getAsJsonObject("weight_map")
        .entrySet()
        .forEach(e -> weightMap.put(e.getKey(), e.getValue().getAsString()));
    assertTrue(weightMap.size() > 10, "the fixture index lists its tensors");
    try (Checkpoint c = Checkpoint.open(dir)) {
      assertEquals(
          weightMap.values().stream().distinct().count(), c.files().size(), "one file per shard");
      assertEquals(DType.F32, c.dominantDtype());
      JsonObject meta = index.getAsJsonObject("metadata");
      if (meta != null && meta.has("total_size")) {
        assertEquals(meta.get("total_size").getAsLong(), c.totalBytes());
      }
      checkEveryTensor(c, weightMap);
    }
  }

  @Test
  void bf16FixtureValuesAreTheRawBitsShiftedLeftBySixteen() throws IOException {
    Path dir = fixture("llama-tiny-bf16");
    byte[] raw = Files.readAllBytes(dir.resolve(Checkpoint.SINGLE_FILE));
    Map<String, String> fileOf = new TreeMap<>();
    rawHeader(raw).keySet().forEach(n -> fileOf.put(n, Checkpoint.SINGLE_FILE));
    try (Checkpoint c = Checkpoint.open(dir)) {
      assertEquals(DType.BF16, c.dominantDtype());
      assertTrue(
          c.tensors().values().stream().allMatch(t -> t.dtype() == DType.BF16),
          "the bf16 fixture stores every tensor as BF16");
      checkEveryTensor(c, fileOf);
    }
  }
}
