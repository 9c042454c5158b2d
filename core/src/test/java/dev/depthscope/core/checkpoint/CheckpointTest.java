package dev.depthscope.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Model directories built in a temporary folder: single file, shards, and broken indexes. */
class CheckpointTest {
  @TempDir Path tmp;

  private Path model() throws IOException {
    return Files.createDirectories(tmp.resolve("model"));
  }

  private static void shard(Path file, String... names) throws IOException {
    SafetensorsWriter w = new SafetensorsWriter();
    for (String n : names) {
      w.addFloats(n, new float[] {n.length(), -n.length(), 0.5f}, 3);
    }
    w.write(file);
  }

  private static void index(Path dir, Map<String, String> weightMap) throws IOException {
    String entries =
        weightMap.entrySet().stream()
            .map(
                e ->
                    "\""
                        + e.getKey()
                        + "\":\""
                        + e.getValue().replace("\\", "\\\\").replace("\u0000", "\\u0000")
                        + "\"")
            .collect(Collectors.joining(","));
    Files.writeString(
        dir.resolve(Checkpoint.INDEX_FILE),
        "{\"metadata\":{\"total_size\":0},\"weight_map\":{" + entries + "}}");
  }

  /** A valid two-shard model: a, b in shard 1; c in shard 2. */
  private Path sharded() throws IOException {
    Path d = model();
    shard(d.resolve("s1.safetensors"), "a", "bb");
    shard(d.resolve("s2.safetensors"), "ccc");
    Map<String, String> wm = new LinkedHashMap<>();
    wm.put("a", "s1.safetensors");
    wm.put("bb", "s1.safetensors");
    wm.put("ccc", "s2.safetensors");
    index(d, wm);
    return d;
  }

  private CheckpointException openFails(Path d) {
    return assertThrows(CheckpointException.class, () -> Checkpoint.open(d, 64).close());
  }

  private static void assertMentions(String message, String... words) {
    for (String w : words) {
      assertTrue(message.contains(w), () -> "expected \"" + w + "\" in: " + message);
    }
  }

  @Test
  void singleFileCheckpointExposesItsTensors() throws IOException {
    Path d = model();
    new SafetensorsWriter()
        .addFloats("w", new float[] {1, 2, 3, 4, 5, 6}, 2, 3)
        .addLongs("n", new long[] {1}, 1)
        .write(d.resolve(Checkpoint.SINGLE_FILE));
    try (Checkpoint c = Checkpoint.open(d, 64)) {
      assertEquals(Set.of("w", "n"), c.tensors().keySet());
      assertEquals(1, c.files().size());
      assertTrue(c.contains("w"));
      assertFalse(c.contains("v"));
      TensorInfo w = c.require("w", 2, 3);
      float[] out = new float[4];
      c.readFloats(w, 2, 4, FloatBuffer.wrap(out));
      assertArrayEquals(new float[] {3, 4, 5, 6}, out);
      assertEquals(6 * 4 + 8, c.totalBytes());
      assertEquals(DType.F32, c.dominantDtype());
    }
  }

  @Test
  void shardedCheckpointMapsEachTensorToItsShard() throws IOException {
    Path d = sharded();
    try (Checkpoint c = Checkpoint.open(d, 64)) {
      assertEquals(Set.of("a", "bb", "ccc"), c.tensors().keySet());
      assertEquals(2, c.files().size());
      assertEquals("s1.safetensors", c.require("bb").file().getFileName().toString());
      assertEquals("s2.safetensors", c.require("ccc").file().getFileName().toString());
      float[] out = new float[3];
      c.readFloats(c.require("ccc", 3), 0, 3, FloatBuffer.wrap(out));
      assertArrayEquals(new float[] {3, -3, 0.5f}, out);
    }
  }

  @Test
  void indexIsPreferredOverASingleFile() throws IOException {
    Path d = sharded();
    shard(d.resolve(Checkpoint.SINGLE_FILE), "other");
    try (Checkpoint c = Checkpoint.open(d)) {
      assertEquals(Set.of("a", "bb", "ccc"), c.tensors().keySet());
    }
  }

  @Test
  void tensorTheConfigNeedsButNoFileHoldsIsNamed() throws IOException {
    Path d = sharded();
    try (Checkpoint c = Checkpoint.open(d)) {
      CheckpointException e =
          assertThrows(
              CheckpointException.class, () -> c.require("model.layers.9.mlp.up_proj.weight"));
      assertMentions(
          e.getMessage(),
          d.toString(),
          "tensor \"model.layers.9.mlp.up_proj.weight\"",
          "needed by the model config",
          "no file holds it");
    }
  }

  @Test
  void tensorWithTheWrongShapeIsReportedWithBothShapes() throws IOException {
    Path d = sharded();
    try (Checkpoint c = Checkpoint.open(d)) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> c.require("a", 3, 1));
      assertMentions(e.getMessage(), "s1.safetensors", "\"a\"", "shape [3]", "implies [3, 1]");
    }
  }

  @Test
  void indexNamingAFileOutsideTheModelDirectoryIsRefused() throws IOException {
    Path d = sharded();
    // Real, valid files outside: the refusal must come from the path, not from a missing file.
    shard(tmp.resolve("x.safetensors"), "a");
    Path abs = tmp.resolve("abs.safetensors").toAbsolutePath();
    shard(abs, "a");
    for (String bad :
        new String[] {
          "../x.safetensors",
          abs.toString(),
          "sub/../../x.safetensors",
          "./../model/../x.safetensors",
          "",
          "."
        }) {
      Map<String, String> wm = new LinkedHashMap<>();
      wm.put("bb", "s1.safetensors");
      wm.put("a", bad);
      index(d, wm);
      CheckpointException e = openFails(d);
      assertMentions(
          e.getMessage(), Checkpoint.INDEX_FILE, "\"" + bad + "\"", "outside the model directory");
    }
  }

  @Test
  void indexMayNameShardsInSubdirectories() throws IOException {
    Path d = model();
    Files.createDirectories(d.resolve("shards"));
    shard(d.resolve("shards/one.safetensors"), "a");
    index(d, Map.of("a", "shards/../shards/one.safetensors"));
    try (Checkpoint c = Checkpoint.open(d)) {
      assertEquals(
          d.resolve("shards/one.safetensors").toAbsolutePath(),
          c.require("a").file().toAbsolutePath());
    }
  }

  @Test
  void indexNamingAnUnrepresentablePathIsACheckpointError() throws IOException {
    Path d = sharded();
    index(d, Map.of("a", "bad\u0000name.safetensors"));
    assertMentions(openFails(d).getMessage(), Checkpoint.INDEX_FILE, "weight_map");
  }

  @Test
  void indexPointingATensorToAShardWithoutItIsReported() throws IOException {
    Path d = sharded();
    Map<String, String> wm = new LinkedHashMap<>();
    wm.put("a", "s1.safetensors");
    wm.put("ccc", "s1.safetensors");
    index(d, wm);
    CheckpointException e = openFails(d);
    assertMentions(
        e.getMessage(),
        Checkpoint.INDEX_FILE,
        "tensor \"ccc\"",
        "s1.safetensors",
        "does not contain it");
  }

  @Test
  void indexNamingAMissingShardIsReported() throws IOException {
    Path d = sharded();
    index(d, Map.of("a", "s9.safetensors"));
    assertMentions(
        openFails(d).getMessage(), Checkpoint.INDEX_FILE, "\"s9.safetensors\"", "missing");
  }

  @Test
  void brokenShardIsReportedByItsOwnName() throws IOException {
    Path d = sharded();
    byte[] good = Files.readAllBytes(d.resolve("s2.safetensors"));
    Files.write(d.resolve("s2.safetensors"), java.util.Arrays.copyOf(good, good.length - 1));
    assertMentions(openFails(d).getMessage(), "s2.safetensors", "truncated");
  }

  @Test
  void malformedIndexIsReported() throws IOException {
    Path d = sharded();
    Files.writeString(d.resolve(Checkpoint.INDEX_FILE), "{\"weight_map\": [");
    assertMentions(openFails(d).getMessage(), Checkpoint.INDEX_FILE, "not valid JSON");
    Files.writeString(d.resolve(Checkpoint.INDEX_FILE), "{\"metadata\": {}}");
    assertMentions(openFails(d).getMessage(), Checkpoint.INDEX_FILE, "\"weight_map\"", "missing");
    Files.writeString(d.resolve(Checkpoint.INDEX_FILE), "{\"weight_map\": {\"a\": 3}}");
    assertMentions(openFails(d).getMessage(), "weight_map entry \"a\" must be a file name");
  }

  @Test
  void directoryWithoutSafetensorsIsReported() throws IOException {
    Path d = model();
    Files.writeString(d.resolve("pytorch_model.bin"), "x");
    assertMentions(
        openFails(d).getMessage(),
        d.toString(),
        "no model.safetensors or model.safetensors.index.json");
  }

  @Test
  void tensorOfAnotherCheckpointIsRefused() throws IOException {
    Path d = sharded();
    Path other = Files.createDirectories(tmp.resolve("other"));
    shard(other.resolve(Checkpoint.SINGLE_FILE), "a");
    try (Checkpoint c = Checkpoint.open(d);
        Checkpoint o = Checkpoint.open(other)) {
      TensorInfo foreign = o.require("a");
      assertThrows(
          IllegalArgumentException.class,
          () -> c.readFloats(foreign, 0, 1, FloatBuffer.allocate(1)));
    }
  }

  @Test
  void dominantDtypeCountsBytesNotTensors() throws IOException {
    Path d = model();
    SafetensorsBytes.builder()
        .add("small1", "F32", new long[] {1}, SafetensorsBytes.f32(1))
        .add("small2", "F32", new long[] {1}, SafetensorsBytes.f32(2))
        .add("big", "BF16", new long[] {8}, SafetensorsBytes.u16(new short[8]))
        .writeTo(d.resolve(Checkpoint.SINGLE_FILE));
    try (Checkpoint c = Checkpoint.open(d)) {
      assertEquals(DType.BF16, c.dominantDtype());
      assertEquals(24, c.totalBytes());
    }
  }
}
