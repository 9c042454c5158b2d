package dev.depthscope.core.prune;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.checkpoint.Checkpoint;
import dev.depthscope.core.checkpoint.TensorInfo;
import dev.depthscope.core.config.ModelConfig;
import dev.depthscope.core.eval.TokenIdsFile;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.Trace;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A pruned checkpoint's forward pass equals the original's with those blocks skipped, for every
 * family, with its tensors copied byte for byte and its per-layer config rules renumbered.
 */
class PrunerTest {
  @TempDir Path tmp;

  static Stream<String> models() {
    return Stream.of(
            TestData.denseModels(),
            TestData.moeModels(),
            Stream.of("real-stories260K-f32", "../trained/llama-24L-brown-pre"))
        .flatMap(s -> s);
  }

  /** Two removals per model: an inner block, and the first plus the last. */
  private static List<List<Integer>> removals(int layers) {
    List<List<Integer>> out = new ArrayList<>();
    out.add(List.of(layers / 2));
    if (layers > 2) {
      out.add(List.of(0, layers - 1));
    }
    return out;
  }

  @ParameterizedTest
  @MethodSource("models")
  void prunedForwardEqualsTheOriginalSkippingThoseBlocks(String name) throws Exception {
    Path dir = TestData.model(name);
    long[][] ids = referenceIds(dir);
    int layers = ModelConfig.load(dir).numLayers();
    for (List<Integer> removed : removals(layers)) {
      Path out = tmp.resolve(dir.getFileName() + "-" + removed.size());
      List<String> notes = new ArrayList<>();
      Pruner.Result r = Pruner.prune(dir, removed, out, 1L << 20, new JsonObject(), notes::add);
      assertEquals(layers - removed.size(), r.layersAfter());
      assertSameForward(dir, out, ids, removed, name);
      assertBytesCopied(dir, out, removed);
      JsonObject record = config(out).getAsJsonObject("depthscope_pruning");
      assertEquals(removed.toString(), record.get("removed_blocks").toString().replace(",", ", "));
      if (name.startsWith("deepseek-v3")) {
        assertTrue(notes.stream().anyMatch(n -> n.contains("multi-token")), notes.toString());
      }
    }
  }

  @Test
  void deepSeekDenseBlocksKeepTheirPlace() throws Exception {
    Path dir = TestData.model("deepseek-v3-tiny-bf16"); // first_k_dense_replace 1
    Pruner.prune(dir, List.of(0), tmp.resolve("a"), 1L << 30, new JsonObject(), n -> {});
    assertEquals(0, config(tmp.resolve("a")).get("first_k_dense_replace").getAsInt());
    Pruner.prune(dir, List.of(2), tmp.resolve("b"), 1L << 30, new JsonObject(), n -> {});
    assertEquals(1, config(tmp.resolve("b")).get("first_k_dense_replace").getAsInt());
    assertEquals(0, config(tmp.resolve("b")).get("num_nextn_predict_layers").getAsInt());
  }

  @Test
  void slidingWindowLayerTypesAreRenumbered() throws Exception {
    // qwen3-tiny with a window on blocks 1 and 3 (an edited config; the weights do not change).
    Path dir =
        edited(
            "qwen3-tiny-bf16",
            c -> {
              c.addProperty("use_sliding_window", true);
              c.addProperty("sliding_window", 8);
              JsonArray types = new JsonArray();
              for (String t : new String[] {"full", "sliding", "full", "sliding"}) {
                types.add(t + "_attention");
              }
              c.add("layer_types", types);
            });
    Path out = tmp.resolve("pruned");
    Pruner.prune(dir, List.of(1), out, 1L << 30, new JsonObject(), n -> {});
    assertEquals(
        "[\"full_attention\",\"full_attention\",\"sliding_attention\"]",
        config(out).get("layer_types").toString());
    long[][] ids = referenceIds(TestData.model("qwen3-tiny-bf16"));
    assertSameForward(dir, out, ids, List.of(1), "qwen3 with windows");
  }

  @Test
  void maxWindowLayersIsRenumbered() throws Exception {
    // qwen2 without layer_types: the window applies from max_window_layers = 2 on.
    Path dir =
        edited(
            "qwen2-tiny-tied",
            c -> {
              c.remove("layer_types");
              c.addProperty("use_sliding_window", true);
              c.addProperty("sliding_window", 8);
              c.addProperty("max_window_layers", 2);
            });
    assertArrayEquals(new int[] {0, 0, 8, 8}, ModelConfig.load(dir).slidingWindows());
    Path out = tmp.resolve("pruned");
    Pruner.prune(dir, List.of(0), out, 1L << 30, new JsonObject(), n -> {});
    assertEquals(1, config(out).get("max_window_layers").getAsInt());
    assertArrayEquals(new int[] {0, 8, 8}, ModelConfig.load(out).slidingWindows());
    long[][] ids = referenceIds(TestData.model("qwen2-tiny-tied"));
    assertSameForward(dir, out, ids, List.of(0), "qwen2 with windows");
  }

  @Test
  void qwenMoeDenseLayersAreRenumbered() throws Exception {
    // Only the config matters here: block 2 dense, written as mlp_only_layers.
    Path dir = edited("qwen3-moe-tiny-bf16", c -> c.add("mlp_only_layers", array(2)));
    ModelConfig original = ModelConfig.load(dir);
    JsonObject json = config(dir);
    List<Integer> kept = List.of(0, 2, 3);
    JsonObject c = PrunedConfig.rewrite(dir, json, original, kept, n -> {});
    assertEquals("[1]", c.get("mlp_only_layers").toString());
    assertEquals(1, c.get("decoder_sparse_step").getAsInt());
  }

  @Test
  void aPerLayerFieldItCannotRenumberIsRefusedByName() throws Exception {
    Path dir = edited("llama-tiny-bf16", c -> c.add("no_rope_layers", array(1, 0, 1, 0)));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Pruner.prune(
                    dir, List.of(1), tmp.resolve("x"), 1L << 30, new JsonObject(), n -> {}));
    assertTrue(e.getMessage().contains("\"no_rope_layers\""), e.getMessage());
    assertFalse(Files.exists(tmp.resolve("x")));
    assertEquals(
        1,
        tmp.toFile().list().length,
        "no partial output left: " + Arrays.toString(tmp.toFile().list()));
  }

  @Test
  void anExistingTargetIsRefusedAndShardsFollowTheLimit() throws Exception {
    Path dir = TestData.model("llama-tiny-bf16");
    Files.createDirectories(tmp.resolve("exists"));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Pruner.prune(
                    dir, List.of(1), tmp.resolve("exists"), 1L << 30, new JsonObject(), n -> {}));
    assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    Pruner.Result r =
        Pruner.prune(dir, List.of(1), tmp.resolve("sharded"), 200_000, new JsonObject(), n -> {});
    assertTrue(r.shards() > 1, r.toString());
    assertTrue(Files.exists(tmp.resolve("sharded").resolve(Checkpoint.INDEX_FILE)));
    try (Checkpoint c = Checkpoint.open(tmp.resolve("sharded"))) {
      assertEquals(r.tensors(), c.tensors().size());
      for (Path f : c.files().stream().map(x -> x.path()).toList()) {
        long data =
            c.tensors().values().stream()
                .filter(t -> t.file().equals(f))
                .mapToLong(TensorInfo::byteSize)
                .sum();
        long single =
            c.tensors().values().stream()
                .filter(t -> t.file().equals(f))
                .mapToLong(TensorInfo::byteSize)
                .max()
                .orElse(0);
        assertTrue(data <= 200_000 || data == single, f + " holds " + data + " bytes");
      }
    }
    assertTrue(Files.exists(tmp.resolve("sharded/tokenizer.json")), "tokenizer copied");
    assertTrue(Files.exists(tmp.resolve("sharded/generation_config.json")));
    assertFalse(
        Files.exists(tmp.resolve("sharded/reference")),
        "the source's references are not the pruned model's");
  }

  @Test
  void blockListsParseRangesAndRefuseNonsense() {
    assertEquals(List.of(3, 7, 12, 13, 14, 15), BlockSelection.parse("3,7,12-15", 24));
    assertEquals(List.of(1, 2), BlockSelection.parse(" 2 , 1 ", 24));
    for (String bad : new String[] {"", "a", "3-1", "1,1", "24", "-1", "0-23", "1,,2"}) {
      assertThrows(IllegalArgumentException.class, () -> BlockSelection.parse(bad, 24), bad);
    }
  }

  // --- helpers ---

  private static long[][] referenceIds(Path dir) {
    return TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
  }

  private static JsonObject config(Path dir) throws IOException {
    return JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
  }

  private static JsonArray array(int... values) {
    JsonArray a = new JsonArray();
    for (int v : values) {
      a.add(v);
    }
    return a;
  }

  /** A copy of a fixture (weights linked) with its config edited. */
  private Path edited(String name, Consumer<JsonObject> edit) throws IOException {
    Path src = TestData.model(name);
    Path dir = Files.createDirectories(tmp.resolve("src-" + name));
    try (Stream<Path> files = Files.list(src)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.createSymbolicLink(dir.resolve(f.getFileName()), f.toAbsolutePath());
      }
    }
    JsonObject c = config(src);
    edit.accept(c);
    Files.delete(dir.resolve("config.json"));
    Files.writeString(dir.resolve("config.json"), c.toString());
    return dir;
  }

  /** Hidden states (kept blocks only) and token NLL within 1e-6 relative. */
  private static void assertSameForward(
      Path original, Path pruned, long[][] ids, List<Integer> removed, String what) {
    Trace p;
    try (CausalLm lm = CausalLm.open(pruned)) {
      p = lm.trace(ids);
    }
    try (CausalLm lm = CausalLm.open(original, n -> {});
        NDManager m = lm.manager().newSubManager();
        AttentionInputs att = lm.attentionInputs(m, ids[0].length)) {
      NDArray h = lm.embed(m, ids);
      assertClose(h.toFloatArray(), p.hiddenStates()[0], what + " h_0");
      int j = 0;
      for (int l = 0; l < lm.config().numLayers(); l++) {
        if (!removed.contains(l)) {
          h = lm.block(l, h, att);
          j++;
          assertClose(h.toFloatArray(), p.hiddenStates()[j], what + " new h_" + j);
        }
      }
      assertClose(lm.tokenNll(h, ids), p.tokenNll(), what + " token NLL");
    }
  }

  private static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    double max = 0;
    for (float x : expected) {
      max = Math.max(max, Math.abs(x));
    }
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-6 * Math.max(1, max), what + " at " + i);
    }
  }

  /** Every kept tensor's bytes equal the source's under its new name. */
  private static void assertBytesCopied(Path original, Path pruned, List<Integer> removed)
      throws IOException {
    try (Checkpoint a = Checkpoint.open(original);
        Checkpoint b = Checkpoint.open(pruned)) {
      int layers = ModelConfig.load(original).numLayers();
      int kept = 0;
      for (int l = 0; l < layers; l++) {
        if (removed.contains(l)) {
          continue;
        }
        String from = "model.layers." + l + ".";
        String to = "model.layers." + kept++ + ".";
        for (TensorInfo t : a.tensors().values()) {
          if (t.name().startsWith(from)) {
            TensorInfo u = b.require(to + t.name().substring(from.length()));
            assertEquals(t.dtype(), u.dtype(), u.name());
            assertArrayEquals(t.shape(), u.shape(), u.name());
            assertArrayEquals(bytes(t), bytes(u), u.name());
          }
        }
      }
      assertArrayEquals(
          bytes(a.require("model.norm.weight")), bytes(b.require("model.norm.weight")));
    }
  }

  private static byte[] bytes(TensorInfo t) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(t.file().toFile(), "r")) {
      byte[] b = new byte[(int) t.byteSize()];
      f.seek(t.start());
      f.readFully(b);
      return b;
    }
  }
}
