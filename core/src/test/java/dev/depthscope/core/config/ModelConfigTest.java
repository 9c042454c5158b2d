package dev.depthscope.core.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ModelConfig#load} on configs written for the purpose: both RoPE forms, family defaults,
 * sliding windows and the errors. The expected values follow transformers 5.x, whose config classes
 * were loaded with the same JSON to confirm the less obvious ones (noted where they apply).
 */
class ModelConfigTest {

  @TempDir Path tmp;

  /** A minimal valid config of {@code modelType}: 4 layers, 4 heads of 16, 2 KV heads. */
  private static JsonObject base(String modelType) {
    JsonObject o = new JsonObject();
    o.addProperty("model_type", modelType);
    JsonArray archs = new JsonArray();
    archs.add("TestForCausalLM");
    o.add("architectures", archs);
    o.addProperty("vocab_size", 100);
    o.addProperty("hidden_size", 64);
    o.addProperty("intermediate_size", 128);
    o.addProperty("num_hidden_layers", 4);
    o.addProperty("num_attention_heads", 4);
    o.addProperty("num_key_value_heads", 2);
    o.addProperty("max_position_embeddings", 4096);
    o.addProperty("rms_norm_eps", 1e-5);
    return o;
  }

  private static JsonObject json(String text) {
    return JsonParser.parseString(text).getAsJsonObject();
  }

  /** {@code base(modelType)} with the fields of {@code extra} added or replaced. */
  private static JsonObject with(String modelType, String extra) {
    JsonObject o = base(modelType);
    json(extra).entrySet().forEach(e -> o.add(e.getKey(), e.getValue()));
    return o;
  }

  private Path write(String text) throws IOException {
    Path dir = Files.createTempDirectory(tmp, "model");
    Files.writeString(dir.resolve("config.json"), text);
    return dir;
  }

  private ModelConfig load(JsonObject config) throws IOException {
    return ModelConfig.load(write(config.toString()));
  }

  /** Loading fails; the message names the file and contains every {@code fragment}. */
  private ConfigException failure(String text, String... fragments) throws IOException {
    Path dir = write(text);
    ConfigException e = assertThrows(ConfigException.class, () -> ModelConfig.load(dir));
    String message = e.getMessage();
    assertTrue(
        message.contains(dir.resolve("config.json").toString()),
        "message should name the file: " + message);
    for (String f : fragments) {
      assertTrue(message.contains(f), "message should contain <" + f + ">: " + message);
    }
    return e;
  }

  // ---------------------------------------------------------------- RoPE: the two config forms

  /**
   * The same RoPE written three ways: legacy {@code rope_theta} + {@code rope_scaling} with {@code
   * type}, the same with {@code rope_type}, and {@code rope_parameters} with the theta inside.
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "{'rope_type': 'linear', 'factor': 4.0}",
        "{'rope_type': 'dynamic', 'factor': 2.0}",
        "{'rope_type': 'llama3', 'factor': 8.0, 'low_freq_factor': 1.0, 'high_freq_factor': 4.0,"
            + " 'original_max_position_embeddings': 1024}",
        "{'rope_type': 'yarn', 'factor': 4.0, 'original_max_position_embeddings': 1024,"
            + " 'beta_fast': 16, 'beta_slow': 2, 'mscale': 0.707, 'mscale_all_dim': 1.0,"
            + " 'truncate': false}"
      })
  void legacyRopeScalingAndRopeParametersGiveEqualRopeConfig(String params) throws IOException {
    JsonObject p = json(params.replace('\'', '"'));
    String type = p.get("rope_type").getAsString();

    JsonObject withType = p.deepCopy();
    withType.remove("rope_type");
    withType.addProperty("type", type);
    JsonObject legacyType = base("llama");
    legacyType.addProperty("rope_theta", 500000.0);
    legacyType.add("rope_scaling", withType);

    JsonObject legacyRopeType = base("llama");
    legacyRopeType.addProperty("rope_theta", 500000.0);
    legacyRopeType.add("rope_scaling", p.deepCopy());

    JsonObject inside = p.deepCopy();
    inside.addProperty("rope_theta", 500000.0);
    JsonObject modern = base("llama");
    modern.add("rope_parameters", inside);

    RopeConfig a = load(legacyType).rope();
    RopeConfig b = load(legacyRopeType).rope();
    RopeConfig c = load(modern).rope();
    assertEquals(type, c.type());
    assertEquals(500000.0, c.theta());
    assertEquals(p.get("factor").getAsDouble(), c.factor());
    assertEquals(c, a, "legacy rope_scaling with \"type\"");
    assertEquals(c, b, "legacy rope_scaling with \"rope_type\"");
    assertEquals(load(modern), load(legacyType), "whole ModelConfig");
  }

  @Test
  void legacyFormReadsEveryYarnAndLlama3Field() throws IOException {
    RopeConfig yarn =
        load(with(
                "llama",
                "{\"rope_theta\": 20000.0, \"rope_scaling\": {\"type\": \"yarn\", \"factor\": 4.0,"
                    + " \"original_max_position_embeddings\": 1024, \"beta_fast\": 16,"
                    + " \"beta_slow\": 2, \"mscale\": 0.707, \"mscale_all_dim\": 1.0,"
                    + " \"attention_factor\": 1.25, \"truncate\": false}}"))
            .rope();
    assertEquals(
        new RopeConfig("yarn", 20000, 4, 1024, 1, 4, 1.25, 16, 2, 0.707, 1.0, false, 1), yarn);

    RopeConfig llama3 =
        load(with(
                "llama",
                "{\"rope_theta\": 500000.0, \"rope_scaling\": {\"rope_type\": \"llama3\","
                    + " \"factor\": 32.0, \"low_freq_factor\": 2.0, \"high_freq_factor\": 8.0,"
                    + " \"original_max_position_embeddings\": 1024}}"))
            .rope();
    assertEquals("llama3", llama3.type());
    assertEquals(32.0, llama3.factor());
    assertEquals(2.0, llama3.lowFreqFactor());
    assertEquals(8.0, llama3.highFreqFactor());
    assertEquals(1024, llama3.originalMaxPositions());
  }

  @Test
  void aQuantizedCheckpointIsRefusedNamingItsMethod() throws IOException {
    failure(
        with(
                "deepseek_v3",
                "{\"quantization_config\": {\"quant_method\": \"fp8\", \"fmt\": \"e4m3\","
                    + " \"weight_block_size\": [128, 128]}}")
            .toString(),
        "quantization_config",
        "quant_method \"fp8\"",
        "unquantized release");
    failure(
        with("llama", "{\"quantization_config\": {\"bits\": 4}}").toString(),
        "quant_method \"unnamed\"");
  }

  @Test
  void ropeScalingNullGivesPlainRopeWithTopLevelTheta() throws IOException {
    ModelConfig c = load(with("qwen2", "{\"rope_theta\": 1000000.0, \"rope_scaling\": null}"));
    assertEquals(RopeConfig.plain(1000000.0), c.rope());
    assertEquals("default", c.rope().type());
    assertEquals(1.0, c.rope().factor());
  }

  /** Legacy {@code rope_theta} alone and a {@code rope_parameters} dict of type default. */
  @Test
  void defaultRopeIsEqualWhetherWrittenAsRopeThetaOrRopeParameters() throws IOException {
    ModelConfig legacy = load(with("qwen2", "{\"rope_theta\": 1000000.0, \"rope_scaling\": null}"));
    ModelConfig modern =
        load(
            with(
                "qwen2",
                "{\"rope_parameters\": {\"rope_type\": \"default\", \"rope_theta\": 1000000.0}}"));
    assertEquals(legacy.rope(), modern.rope());
    assertEquals(legacy, modern);
  }

  @Test
  void ropeScalingNullFallsBackToRopeParameters() throws IOException {
    RopeConfig r =
        load(with(
                "llama",
                "{\"rope_scaling\": null, \"rope_parameters\": {\"rope_type\": \"linear\","
                    + " \"factor\": 2.0, \"rope_theta\": 5000.0}}"))
            .rope();
    assertEquals("linear", r.type());
    assertEquals(5000.0, r.theta());
    assertEquals(2.0, r.factor());
  }

  @Test
  void withoutAnyRopeFieldThetaDefaultsTo10000() throws IOException {
    assertEquals(RopeConfig.plain(10000.0), load(base("llama")).rope());
  }

  @Test
  void ropeThetaInsideTheParametersWinsOverTopLevel() throws IOException {
    RopeConfig r =
        load(with(
                "llama",
                "{\"rope_theta\": 7.0, \"rope_scaling\": {\"rope_type\": \"linear\","
                    + " \"factor\": 2.0, \"rope_theta\": 5.0}}"))
            .rope();
    assertEquals(5.0, r.theta());
  }

  /**
   * transformers: {@code rope_parameters = rope_scaling or rope_parameters}, theta from the top.
   */
  @Test
  void nonEmptyRopeScalingWinsOverRopeParameters() throws IOException {
    RopeConfig r =
        load(with(
                "llama",
                "{\"rope_theta\": 7.0, \"rope_scaling\": {\"rope_type\": \"linear\","
                    + " \"factor\": 2.0}, \"rope_parameters\": {\"rope_type\": \"dynamic\","
                    + " \"factor\": 3.0, \"rope_theta\": 5.0}}"))
            .rope();
    assertEquals("linear", r.type());
    assertEquals(2.0, r.factor());
    assertEquals(7.0, r.theta());
  }

  /** An empty dict is falsy in Python, so transformers uses {@code rope_parameters}. */
  @Test
  void emptyRopeScalingFallsBackToRopeParameters() throws IOException {
    RopeConfig r =
        load(with(
                "llama",
                "{\"rope_scaling\": {}, \"rope_parameters\": {\"rope_type\": \"linear\","
                    + " \"factor\": 2.0, \"rope_theta\": 5.0}}"))
            .rope();
    assertEquals("linear", r.type());
    assertEquals(2.0, r.factor());
    assertEquals(5.0, r.theta());
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama3", "yarn"})
  void originalMaxPositionsDefaultsToMaxPositionEmbeddings(String type) throws IOException {
    JsonObject o = base("llama");
    o.addProperty("max_position_embeddings", 16384);
    o.add(
        "rope_parameters",
        json(
            "{\"rope_type\": \""
                + type
                + "\", \"rope_theta\": 500000.0, \"factor\": 8.0, \"low_freq_factor\": 1.0,"
                + " \"high_freq_factor\": 4.0}"));
    assertEquals(16384, load(o).rope().originalMaxPositions());
    o.getAsJsonObject("rope_parameters").addProperty("original_max_position_embeddings", 2048);
    assertEquals(2048, load(o).rope().originalMaxPositions());
  }

  /** transformers: {@code beta_fast or 32}, {@code beta_slow or 1}, truncate True by default. */
  @Test
  void yarnDefaultsFollowTransformers() throws IOException {
    RopeConfig r =
        load(with(
                "llama",
                "{\"rope_parameters\": {\"rope_type\": \"yarn\", \"factor\": 4.0,"
                    + " \"beta_fast\": 0, \"original_max_position_embeddings\": 1024}}"))
            .rope();
    assertEquals(32.0, r.betaFast());
    assertEquals(1.0, r.betaSlow());
    assertTrue(r.truncate());
    assertTrue(Double.isNaN(r.attentionFactor()), "attention_factor is derived when absent");
    assertEquals(0.0, r.mscale());
    assertEquals(0.0, r.mscaleAllDim());
    assertEquals(10000.0, r.theta());
  }

  // ---------------------------------------------------------------- shapes

  @Test
  void explicitHeadDimIsUsedAsGiven() throws IOException {
    ModelConfig c = load(with("llama", "{\"head_dim\": 32}"));
    assertEquals(32, c.headDim());
    assertEquals(64, c.hiddenSize());
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama", "mistral", "qwen2"})
  void headDimIsHiddenOverHeadsWhenAbsentOrNull(String type) throws IOException {
    assertEquals(16, load(base(type)).headDim());
    JsonObject o = base(type);
    o.add("head_dim", JsonNull.INSTANCE);
    assertEquals(16, load(o).headDim());
  }

  @Test
  void qwen3HeadDimDefaultsTo128NotHiddenOverHeads() throws IOException {
    assertEquals(128, load(base("qwen3")).headDim());
    assertEquals(32, load(with("qwen3", "{\"head_dim\": 32}")).headDim());
  }

  @Test
  void groupedQueryAttentionKeepsFewerKvHeads() throws IOException {
    ModelConfig c = load(with("llama", "{\"num_attention_heads\": 8, \"head_dim\": 8}"));
    assertEquals(8, c.numHeads());
    assertEquals(2, c.numKvHeads());
  }

  @Test
  void multiQueryAttentionWithOneKvHead() throws IOException {
    ModelConfig c = load(with("mistral", "{\"num_key_value_heads\": 1}"));
    assertEquals(4, c.numHeads());
    assertEquals(1, c.numKvHeads());
  }

  @Test
  void kvHeadsDefaultToAttentionHeadsWhenAbsentOrNull() throws IOException {
    JsonObject o = base("llama");
    o.remove("num_key_value_heads");
    assertEquals(4, load(o).numKvHeads());
    o.add("num_key_value_heads", JsonNull.INSTANCE);
    assertEquals(4, load(o).numKvHeads());
  }

  /** The family defaults of LlamaConfig, MistralConfig, Qwen2Config and Qwen3Config. */
  @Test
  void maxPositionEmbeddingsDefaultsPerFamily() throws IOException {
    int[] expected = {2048, 131072, 32768, 32768};
    String[] types = {"llama", "mistral", "qwen2", "qwen3"};
    for (int i = 0; i < types.length; i++) {
      JsonObject o = base(types[i]);
      o.remove("max_position_embeddings");
      assertEquals(expected[i], load(o).maxPositionEmbeddings(), types[i]);
    }
  }

  @Test
  void architectureIsFirstOfArchitecturesElseModelType() throws IOException {
    assertEquals("TestForCausalLM", load(base("llama")).architecture());
    JsonObject o = base("qwen2");
    o.remove("architectures");
    assertEquals("qwen2", load(o).architecture());
  }

  @Test
  void tokenIdsAndDtypeAreRead() throws IOException {
    ModelConfig c =
        load(
            with(
                "llama",
                "{\"bos_token_id\": 5, \"eos_token_id\": [7, 9], \"torch_dtype\": \"bfloat16\"}"));
    assertEquals(5, c.bosTokenId());
    assertEquals(List.of(7, 9), c.eosTokenIds());
    assertEquals("bfloat16", c.torchDtype());
    ModelConfig d = load(with("qwen3", "{\"bos_token_id\": null, \"eos_token_id\": 3}"));
    assertEquals(-1, d.bosTokenId());
    assertEquals(List.of(3), d.eosTokenIds());
  }

  // ---------------------------------------------------------------- biases, norms, tying

  @Test
  void qwen2HasQkvBiasButNoOutputOrMlpBias() throws IOException {
    ModelConfig c = load(base("qwen2"));
    assertTrue(c.qkvBias());
    assertFalse(c.outputBias());
    assertFalse(c.mlpBias());
    assertFalse(c.qkNorm());
  }

  @Test
  void llamaBiasesFollowAttentionBiasAndMlpBias() throws IOException {
    ModelConfig none = load(base("llama"));
    assertFalse(none.qkvBias() || none.outputBias() || none.mlpBias());
    ModelConfig attn = load(with("llama", "{\"attention_bias\": true}"));
    assertTrue(attn.qkvBias() && attn.outputBias());
    assertFalse(attn.mlpBias());
    ModelConfig mlp = load(with("llama", "{\"mlp_bias\": true}"));
    assertFalse(mlp.qkvBias() || mlp.outputBias());
    assertTrue(mlp.mlpBias());
  }

  /** MistralAttention builds every projection with bias=False, whatever the config says. */
  @Test
  void mistralHasNoBiasesEvenWithAttentionBias() throws IOException {
    ModelConfig c = load(with("mistral", "{\"attention_bias\": true, \"mlp_bias\": true}"));
    assertFalse(c.qkvBias() || c.outputBias() || c.mlpBias() || c.qkNorm());
  }

  /** Qwen3Attention: q/k/v/o_proj all use bias=config.attention_bias. */
  @Test
  void qwen3HasQkNormAndHonoursAttentionBias() throws IOException {
    ModelConfig plain = load(base("qwen3"));
    assertTrue(plain.qkNorm());
    assertFalse(plain.qkvBias() || plain.outputBias() || plain.mlpBias());
    ModelConfig biased = load(with("qwen3", "{\"attention_bias\": true}"));
    assertTrue(biased.qkvBias());
    assertTrue(biased.outputBias());
    assertFalse(biased.mlpBias());
  }

  @Test
  void tiedEmbeddingsCountTheLmHeadOnce() throws IOException {
    ModelConfig untied = load(base("llama"));
    ModelConfig tied = load(with("llama", "{\"tie_word_embeddings\": true}"));
    assertFalse(untied.tieWordEmbeddings());
    assertTrue(tied.tieWordEmbeddings());
    assertEquals(100L * 64, untied.parameterCount() - tied.parameterCount());
  }

  // ---------------------------------------------------------------- sliding windows

  @Test
  void mistralSlidingWindowAppliesToEveryLayer() throws IOException {
    ModelConfig c = load(with("mistral", "{\"sliding_window\": 16}"));
    assertArrayEquals(new int[] {16, 16, 16, 16}, c.slidingWindows());
    assertEquals(16, c.slidingWindow(3));
  }

  @Test
  void mistralNullSlidingWindowMeansFullAttention() throws IOException {
    ModelConfig c = load(with("mistral", "{\"sliding_window\": null}"));
    assertArrayEquals(new int[4], c.slidingWindows());
  }

  /** MistralConfig's dataclass default {@code sliding_window = 4096} applies when it is absent. */
  @Test
  void mistralAbsentSlidingWindowIsTransformersDefault4096() throws IOException {
    assertArrayEquals(new int[] {4096, 4096, 4096, 4096}, load(base("mistral")).slidingWindows());
  }

  @Test
  void llamaNeverUsesASlidingWindow() throws IOException {
    ModelConfig c = load(with("llama", "{\"sliding_window\": 16, \"use_sliding_window\": true}"));
    assertArrayEquals(new int[4], c.slidingWindows());
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen2", "qwen3"})
  void qwenUseSlidingWindowFalseMeansNoWindowEvenWhenSet(String type) throws IOException {
    ModelConfig explicitTypes =
        load(
            with(
                type,
                "{\"use_sliding_window\": false, \"sliding_window\": 8, \"max_window_layers\": 0,"
                    + " \"layer_types\": [\"sliding_attention\", \"sliding_attention\","
                    + " \"full_attention\", \"sliding_attention\"]}"));
    assertArrayEquals(new int[4], explicitTypes.slidingWindows());
    ModelConfig absentFlag = load(with(type, "{\"sliding_window\": 8, \"max_window_layers\": 0}"));
    assertArrayEquals(new int[4], absentFlag.slidingWindows(), "use_sliding_window defaults false");
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen2", "qwen3"})
  void qwenLayerTypesChooseTheSlidingLayers(String type) throws IOException {
    ModelConfig c =
        load(
            with(
                type,
                "{\"use_sliding_window\": true, \"sliding_window\": 8, \"max_window_layers\": 0,"
                    + " \"layer_types\": [\"sliding_attention\", \"full_attention\","
                    + " \"sliding_attention\", \"full_attention\"]}"));
    assertArrayEquals(new int[] {8, 0, 8, 0}, c.slidingWindows());
  }

  @ParameterizedTest
  @ValueSource(strings = {"qwen2", "qwen3"})
  void qwenMaxWindowLayersRuleWhenLayerTypesAbsent(String type) throws IOException {
    ModelConfig c =
        load(
            with(
                type,
                "{\"use_sliding_window\": true, \"sliding_window\": 8, \"max_window_layers\": 2}"));
    assertArrayEquals(new int[] {0, 0, 8, 8}, c.slidingWindows());
    ModelConfig defaultLayers =
        load(with(type, "{\"use_sliding_window\": true, \"sliding_window\": 8}"));
    assertArrayEquals(new int[4], defaultLayers.slidingWindows(), "max_window_layers defaults 28");
  }

  /** Qwen2Config/Qwen3Config: {@code sliding_window} defaults to 4096 when absent. */
  @Test
  void qwenAbsentSlidingWindowIsTransformersDefault4096() throws IOException {
    ModelConfig c = load(with("qwen2", "{\"use_sliding_window\": true, \"max_window_layers\": 3}"));
    assertArrayEquals(new int[] {0, 0, 0, 4096}, c.slidingWindows());
  }

  @Test
  void qwenLayerTypesOfWrongLengthOrUnknownKindAreRejected() throws IOException {
    failure(
        with("qwen2", "{\"layer_types\": [\"full_attention\"]}").toString(),
        "\"layer_types\"",
        "1 entries",
        "num_hidden_layers = 4");
    failure(
        with(
                "qwen3",
                "{\"layer_types\": [\"full_attention\", \"full_attention\", \"chunked\","
                    + " \"full_attention\"]}")
            .toString(),
        "\"layer_types\"[2]",
        "chunked",
        "full_attention or sliding_attention");
  }

  @Test
  void negativeSlidingWindowIsRejected() throws IOException {
    failure(
        with("mistral", "{\"sliding_window\": -1}").toString(),
        "\"sliding_window\" is -1",
        "expected 0..");
  }

  // ---------------------------------------------------------------- errors

  @Test
  void unsupportedModelTypeListsTheSupportedOnes() throws IOException {
    failure(base("gpt2").toString(), "\"gpt2\"", "llama, mistral, qwen2, qwen3");
  }

  @Test
  void missingModelTypeListsTheSupportedOnes() throws IOException {
    JsonObject o = base("llama");
    o.remove("model_type");
    failure(o.toString(), "model_type", "llama, mistral, qwen2, qwen3");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "hidden_size",
        "num_attention_heads",
        "num_hidden_layers",
        "vocab_size",
        "intermediate_size"
      })
  void missingRequiredFieldIsNamed(String field) throws IOException {
    JsonObject o = base("llama");
    o.remove(field);
    failure(o.toString(), "\"" + field + "\"", "missing");
  }

  @Test
  void nullRequiredFieldCountsAsMissing() throws IOException {
    JsonObject o = base("llama");
    o.add("hidden_size", JsonNull.INSTANCE);
    failure(o.toString(), "\"hidden_size\"", "missing");
  }

  @Test
  void stringWhereIntegerExpectedNamesFieldAndExpectation() throws IOException {
    failure(
        with("llama", "{\"hidden_size\": \"64\"}").toString(),
        "\"hidden_size\"",
        "an integer",
        "\"64\"");
    failure(
        with("qwen2", "{\"num_key_value_heads\": \"2\"}").toString(),
        "\"num_key_value_heads\"",
        "an integer");
  }

  @Test
  void fractionalIntegerIsRejected() throws IOException {
    failure(
        with("llama", "{\"num_hidden_layers\": 2.5}").toString(),
        "\"num_hidden_layers\"",
        "an integer",
        "2.5");
  }

  @Test
  void wrongTypeInsideRopeParametersNamesTheNestedField() throws IOException {
    failure(
        with("llama", "{\"rope_parameters\": {\"rope_type\": \"linear\", \"factor\": \"4\"}}")
            .toString(),
        "\"rope_parameters.factor\"",
        "a number");
    failure(
        with("qwen2", "{\"use_sliding_window\": \"yes\"}").toString(),
        "\"use_sliding_window\"",
        "true or false");
  }

  @Test
  void nonPositiveSizeIsRejected() throws IOException {
    failure(
        with("llama", "{\"hidden_size\": 0}").toString(),
        "\"hidden_size\" is 0",
        "expected 1..65536");
  }

  @Test
  void unknownRopeTypeListsTheSupportedOnes() throws IOException {
    failure(
        with("llama", "{\"rope_scaling\": {\"type\": \"longrope\", \"factor\": 2.0}}").toString(),
        "\"longrope\"",
        "rope_scaling",
        "default, linear, dynamic, llama3, yarn");
    failure(
        with("qwen3", "{\"rope_parameters\": {\"rope_type\": \"ntk\"}}").toString(),
        "\"ntk\"",
        "rope_parameters",
        "default, linear, dynamic, llama3, yarn");
  }

  @Test
  void llama3WithoutLowFreqFactorIsRejected() throws IOException {
    failure(
        with(
                "llama",
                "{\"rope_theta\": 500000.0, \"rope_scaling\": {\"rope_type\": \"llama3\","
                    + " \"factor\": 8.0, \"high_freq_factor\": 4.0,"
                    + " \"original_max_position_embeddings\": 1024}}")
            .toString(),
        "rope_scaling.low_freq_factor",
        "required");
  }

  @ParameterizedTest
  @ValueSource(strings = {"linear", "dynamic", "llama3"})
  void scalingTypeWithoutFactorIsRejected(String type) throws IOException {
    failure(
        with(
                "llama",
                "{\"rope_parameters\": {\"rope_type\": \""
                    + type
                    + "\", \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0}}")
            .toString(),
        "rope_parameters.factor",
        "required");
  }

  @Test
  void kvHeadsNotDividingHeadsIsRejected() throws IOException {
    failure(
        with("llama", "{\"num_key_value_heads\": 3}").toString(),
        "\"num_key_value_heads\"",
        "3",
        "divide num_attention_heads = 4");
    failure(with("llama", "{\"num_key_value_heads\": 0}").toString(), "\"num_key_value_heads\"");
  }

  @Test
  void oddHeadDimIsRejected() throws IOException {
    failure(with("llama", "{\"head_dim\": 15}").toString(), "head_dim is 15", "even");
  }

  @Test
  void invalidJsonIsRejected() throws IOException {
    String truncated = base("llama").toString();
    failure(truncated.substring(0, truncated.length() - 10), "not valid JSON");
    failure("[1, 2, 3]", "expected a JSON object");
  }

  @Test
  void missingConfigFileIsRejectedNamingItOnce() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> ModelConfig.load(tmp.resolve("nowhere")));
    assertEquals(tmp.resolve("nowhere/config.json") + ": no such file", e.getMessage());
  }

  // ---------------------------------------------------------------- value semantics

  @Test
  void equalConfigsAreEqualAndDifferentOnesNot() throws IOException {
    ModelConfig a = load(base("mistral"));
    ModelConfig b = load(base("mistral"));
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
    assertNotEquals(a, load(with("mistral", "{\"sliding_window\": 8}")));
  }

  @Test
  void slidingWindowsCannotBeChangedFromOutside() throws IOException {
    ModelConfig c = load(with("mistral", "{\"sliding_window\": 16}"));
    c.slidingWindows()[0] = 0;
    assertEquals(16, c.slidingWindow(0));
  }
}
