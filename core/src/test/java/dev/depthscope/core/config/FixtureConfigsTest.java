package dev.depthscope.core.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every dense-family {@code config.json} in the test data parses, with the key fields equal to what
 * the JSON says and the architecture accounting for exactly the parameters stored in the
 * checkpoint.
 */
class FixtureConfigsTest {

  private static JsonObject json(Path dir) throws IOException {
    return JsonParser.parseString(Files.readString(dir.resolve("config.json"))).getAsJsonObject();
  }

  private static boolean has(JsonObject o, String field) {
    JsonElement e = o.get(field);
    return e != null && !e.isJsonNull();
  }

  @ParameterizedTest
  @MethodSource("dev.depthscope.core.TestData#denseModels")
  void fixtureConfigParsesWithFieldsEqualToTheJson(String name) throws IOException {
    Path dir = TestData.model(name);
    JsonObject j = json(dir);
    ModelConfig c = ModelConfig.load(dir);

    assertEquals(j.get("model_type").getAsString(), c.modelType());
    assertEquals(j.getAsJsonArray("architectures").get(0).getAsString(), c.architecture());
    assertEquals(j.get("vocab_size").getAsInt(), c.vocabSize());
    assertEquals(j.get("hidden_size").getAsInt(), c.hiddenSize());
    assertEquals(j.get("intermediate_size").getAsInt(), c.intermediateSize());
    assertEquals(j.get("num_hidden_layers").getAsInt(), c.numLayers());
    assertEquals(j.get("num_attention_heads").getAsInt(), c.numHeads());
    assertEquals(j.get("num_key_value_heads").getAsInt(), c.numKvHeads());
    int headDim =
        has(j, "head_dim")
            ? j.get("head_dim").getAsInt()
            : c.hiddenSize() / c.numHeads(); // none of these is a qwen3 without head_dim
    assertEquals(headDim, c.headDim());
    assertEquals(j.get("rms_norm_eps").getAsDouble(), c.rmsNormEps());
    assertEquals(j.get("max_position_embeddings").getAsInt(), c.maxPositionEmbeddings());
    assertEquals(j.get("tie_word_embeddings").getAsBoolean(), c.tieWordEmbeddings());
    assertEquals(j.get("dtype").getAsString(), c.torchDtype());
    assertEquals(has(j, "bos_token_id") ? j.get("bos_token_id").getAsInt() : -1, c.bosTokenId());
    assertEquals(List.of(j.get("eos_token_id").getAsInt()), c.eosTokenIds());

    JsonObject rope =
        has(j, "rope_scaling")
            ? j.getAsJsonObject("rope_scaling")
            : has(j, "rope_parameters") ? j.getAsJsonObject("rope_parameters") : new JsonObject();
    double theta =
        has(rope, "rope_theta")
            ? rope.get("rope_theta").getAsDouble()
            : j.get("rope_theta").getAsDouble();
    assertEquals(theta, c.rope().theta());
    assertEquals(
        has(rope, "rope_type") ? rope.get("rope_type").getAsString() : "default", c.rope().type());
    if (has(rope, "factor")) {
      assertEquals(rope.get("factor").getAsDouble(), c.rope().factor());
    }

    int window = has(j, "sliding_window") ? j.get("sliding_window").getAsInt() : 0;
    for (int l = 0; l < c.numLayers(); l++) {
      // mistral: every layer; qwen: use_sliding_window is false in all of these fixtures
      assertEquals(c.modelType().equals("mistral") ? window : 0, c.slidingWindow(l), "layer " + l);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.depthscope.core.TestData#denseModels")
  void parameterCountEqualsTheTensorsInTheCheckpoint(String name) throws IOException {
    Path dir = TestData.model(name);
    long stored = 0;
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".safetensors")).toList()) {
        stored += storedParameters(f);
      }
    }
    assertTrue(stored > 0, "no safetensors in " + dir);
    assertEquals(stored, ModelConfig.load(dir).parameterCount());
  }

  /** Sum of the element counts in a safetensors header. */
  private static long storedParameters(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] len = in.readNBytes(8);
      long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
      JsonObject header =
          JsonParser.parseString(new String(in.readNBytes((int) n), StandardCharsets.UTF_8))
              .getAsJsonObject();
      long total = 0;
      for (Map.Entry<String, JsonElement> e : header.entrySet()) {
        if (e.getKey().equals("__metadata__")) {
          continue;
        }
        long count = 1;
        for (JsonElement d : e.getValue().getAsJsonObject().getAsJsonArray("shape")) {
          count *= d.getAsLong();
        }
        total += count;
      }
      return total;
    }
  }

  @Test
  void llamaTinyBf16HasLegacyLlama3Rope() {
    ModelConfig c = ModelConfig.load(TestData.model("llama-tiny-bf16"));
    assertEquals(
        new RopeConfig("llama3", 500000, 8, 64, 1, 4, Double.NaN, 32, 1, 0, 0, true, 1), c.rope());
    assertEquals(2, c.numKvHeads());
    assertFalse(c.qkvBias() || c.outputBias() || c.mlpBias() || c.qkNorm());
  }

  @Test
  void llamaTinyShardedHasDefaultRopeFromRopeParameters() {
    ModelConfig c = ModelConfig.load(TestData.model("llama-tiny-sharded-fp32"));
    assertEquals(RopeConfig.plain(10000), c.rope());
    assertEquals(6, c.numLayers());
    assertEquals("float32", c.torchDtype());
  }

  @Test
  void llama3LongIsMultiQueryTiedWithLlama3Rope() {
    ModelConfig c = ModelConfig.load(TestData.model("llama3-long-bf16"));
    assertEquals(1, c.numKvHeads());
    assertEquals(128, c.headDim());
    assertTrue(c.tieWordEmbeddings());
    assertEquals(
        new RopeConfig("llama3", 500000, 32, 8192, 1, 4, Double.NaN, 32, 1, 0, 0, true, 1),
        c.rope());
  }

  @Test
  void mistralSwaWindowsEveryLayerAt16() {
    ModelConfig c = ModelConfig.load(TestData.model("mistral-tiny-fp16-swa"));
    assertArrayEquals(new int[] {16, 16, 16, 16}, c.slidingWindows());
    assertEquals(32, c.headDim());
    assertEquals(RopeConfig.plain(1000000), c.rope());
    assertFalse(c.qkvBias() || c.outputBias() || c.mlpBias());
  }

  @Test
  void qwen2TiedHasQkvBiasAndNoWindow() {
    ModelConfig c = ModelConfig.load(TestData.model("qwen2-tiny-tied"));
    assertTrue(c.qkvBias());
    assertFalse(c.outputBias() || c.mlpBias() || c.qkNorm());
    assertTrue(c.tieWordEmbeddings());
    assertEquals(16, c.headDim());
    assertArrayEquals(new int[4], c.slidingWindows());
    assertEquals(RopeConfig.plain(1000000), c.rope());
  }

  @Test
  void qwen3FixturesHaveQkNormAndExplicitHeadDim() {
    ModelConfig tiny = ModelConfig.load(TestData.model("qwen3-tiny-bf16"));
    assertTrue(tiny.qkNorm());
    assertFalse(tiny.qkvBias() || tiny.outputBias());
    assertEquals(32, tiny.headDim());
    ModelConfig real = ModelConfig.load(TestData.model("qwen3-realvocab-bf16"));
    assertTrue(real.qkNorm());
    assertEquals(16, real.headDim());
    assertEquals(151936, real.vocabSize());
    assertEquals(-1, real.bosTokenId());
    assertEquals(List.of(151645), real.eosTokenIds());
  }
}
