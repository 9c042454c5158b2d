package dev.depthscope.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.checkpoint.Checkpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** config.json of the MoE and MLA families: parsed values, parameter counts and clear errors. */
class MoeMlaConfigTest {
  @TempDir Path tmp;

  private static JsonObject fixtureConfig(String name) throws IOException {
    return JsonParser.parseString(Files.readString(TestData.model(name).resolve("config.json")))
        .getAsJsonObject();
  }

  /** The fixture's config with {@code edit} applied, loaded from a temporary folder. */
  private ModelConfig edited(String name, Consumer<JsonObject> edit) throws IOException {
    JsonObject json = fixtureConfig(name);
    edit.accept(json);
    Files.writeString(tmp.resolve("config.json"), json.toString());
    return ModelConfig.load(tmp);
  }

  private ConfigException rejected(String name, Consumer<JsonObject> edit) {
    return assertThrows(ConfigException.class, () -> edited(name, edit));
  }

  @Test
  void mixtralRoutesEveryLayerThroughRenormalisedSoftmaxTopK() {
    ModelConfig c = ModelConfig.load(TestData.model("mixtral-tiny-fp32"));
    assertEquals(ModelFamily.MIXTRAL, c.family());
    MoeConfig m = c.moe();
    assertEquals(4, m.numExperts());
    assertEquals(2, m.topK());
    assertEquals(160, m.expertIntermediateSize());
    assertEquals(0, m.sharedIntermediateSize());
    assertEquals(List.of(0, 1, 2, 3), m.moeLayers());
    assertEquals(MoeConfig.Scoring.SOFTMAX, m.router().scoring());
    assertTrue(m.router().normalize());
    assertEquals(new MoeConfig.TensorNames("block_sparse_moe", "w1", "w3", "w2"), m.names());
    assertNull(c.mla());
    assertEquals(16, c.headDim());
  }

  @Test
  void qwen3MoeKeepsQkNormAndHonoursSparseStepAndMlpOnlyLayers() throws IOException {
    ModelConfig c = ModelConfig.load(TestData.model("qwen3-moe-tiny-bf16"));
    assertEquals(ModelFamily.QWEN3_MOE, c.family());
    assertTrue(c.qkNorm());
    assertEquals(32, c.headDim());
    assertEquals(8, c.moe().numExperts());
    assertEquals(48, c.moe().expertIntermediateSize());
    assertTrue(c.moe().router().normalize());
    assertEquals(List.of(0, 1, 2, 3), c.moe().moeLayers());

    ModelConfig sparse =
        edited(
            "qwen3-moe-tiny-bf16",
            j -> {
              j.addProperty("decoder_sparse_step", 2);
              j.add("mlp_only_layers", JsonParser.parseString("[3]"));
              j.addProperty("norm_topk_prob", false);
            });
    // (l + 1) % 2 == 0 keeps layers 1 and 3; layer 3 is MLP-only.
    assertEquals(List.of(1), sparse.moe().moeLayers());
    assertFalse(sparse.isMoeLayer(0));
    assertFalse(sparse.moe().router().normalize());
  }

  @Test
  void deepSeekV2HasFullRankQueryGreedySoftmaxAndDenseFirstLayer() {
    ModelConfig c = ModelConfig.load(TestData.model("deepseek-v2-tiny-fp32"));
    MlaConfig mla = c.mla();
    assertEquals(0, mla.qLoraRank());
    assertFalse(mla.lowRankQuery());
    assertEquals(32, mla.kvLoraRank());
    assertEquals(32, mla.qkHeadDim());
    assertEquals(16, mla.vHeadDim());
    assertTrue(mla.ropeInterleave(), "V2's complex RoPE is always interleaved");
    assertEquals(1 / Math.sqrt(32), mla.softmaxScale(), 1e-12);
    assertEquals(16, c.headDim(), "head_dim is qk_rope_head_dim, the RoPE width");
    MoeConfig m = c.moe();
    assertEquals(List.of(1, 2), m.moeLayers());
    assertEquals(48, m.sharedIntermediateSize());
    assertEquals(MoeConfig.GroupScore.NONE, m.router().groupScore());
    assertFalse(m.router().normalize());
  }

  @Test
  void deepSeekV3HasLowRankQuerySigmoidGroupLimitedRouting() {
    ModelConfig c = ModelConfig.load(TestData.model("deepseek-v3-tiny-bf16"));
    assertEquals(48, c.mla().qLoraRank());
    assertTrue(c.mla().ropeInterleave());
    MoeConfig.Router r = c.moe().router();
    assertEquals(
        new MoeConfig.Router(
            MoeConfig.Scoring.SIGMOID, true, 2.5, MoeConfig.GroupScore.TOP2_SUM, 2, 1, true),
        r);
    assertEquals(List.of(1, 2, 3), c.moe().moeLayers());
  }

  @Test
  void deepSeekV2GroupLimitedGreedyReadsGroups() throws IOException {
    ModelConfig c =
        edited(
            "deepseek-v2-tiny-fp32",
            j -> {
              j.addProperty("topk_method", "group_limited_greedy");
              j.addProperty("n_group", 2);
              j.addProperty("topk_group", 1);
            });
    assertEquals(MoeConfig.GroupScore.MAX, c.moe().router().groupScore());
    assertEquals(2, c.moe().router().groups());
  }

  @Test
  void yarnMscaleAllDimSquaresIntoTheSoftmaxScale() throws IOException {
    ModelConfig c =
        edited(
            "deepseek-v3-tiny-bf16",
            j ->
                j.add(
                    "rope_parameters",
                    JsonParser.parseString(
                        "{\"rope_type\": \"yarn\", \"rope_theta\": 10000.0, \"factor\": 40,"
                            + " \"mscale\": 1.0, \"mscale_all_dim\": 1.0,"
                            + " \"original_max_position_embeddings\": 128}")));
    double m = 0.1 * Math.log(40) + 1;
    assertEquals(m * m / Math.sqrt(32), c.mla().softmaxScale(), 1e-12);
  }

  @ParameterizedTest
  @MethodSource("dev.depthscope.core.TestData#moeModels")
  void parameterCountEqualsTheTensorsStoredAndActiveCountIsSmaller(String name) {
    Path dir = TestData.model(name);
    ModelConfig c = ModelConfig.load(dir);
    try (Checkpoint ckpt = Checkpoint.open(dir)) {
      long stored = ckpt.tensors().values().stream().mapToLong(t -> t.numel()).sum();
      assertEquals(stored, c.parameterCount());
    }
    MoeConfig m = c.moe();
    long inactiveExperts =
        (long) (m.numExperts() - m.topK())
            * 3
            * c.hiddenSize()
            * m.expertIntermediateSize()
            * m.moeLayers().size();
    assertEquals(c.parameterCount() - inactiveExperts, c.activeParameterCount());
  }

  @Test
  void missingMlaWidthsNameTheFileAndField() {
    ConfigException e = rejected("deepseek-v3-tiny-bf16", j -> j.remove("kv_lora_rank"));
    assertTrue(e.getMessage().contains(tmp.resolve("config.json").toString()), e.getMessage());
    assertTrue(e.getMessage().contains("\"kv_lora_rank\""), e.getMessage());
    e = rejected("deepseek-v2-tiny-fp32", j -> j.remove("q_lora_rank"));
    assertTrue(e.getMessage().contains("\"q_lora_rank\" is missing"), e.getMessage());
    e = rejected("deepseek-v2-tiny-fp32", j -> j.addProperty("v_head_dim", 0));
    assertTrue(e.getMessage().contains("\"v_head_dim\" is 0; expected 1.."), e.getMessage());
  }

  @Test
  void impossibleRoutingIsRejectedWithTheField() {
    ConfigException e = rejected("deepseek-v3-tiny-bf16", j -> j.addProperty("n_group", 3));
    assertTrue(e.getMessage().contains("\"n_group\" is 3"), e.getMessage());
    e = rejected("deepseek-v3-tiny-bf16", j -> j.addProperty("topk_group", 5));
    assertTrue(e.getMessage().contains("\"topk_group\""), e.getMessage());
    e = rejected("mixtral-tiny-fp32", j -> j.addProperty("num_experts_per_tok", 5));
    assertTrue(e.getMessage().contains("\"num_experts_per_tok\" is 5"), e.getMessage());
    e = rejected("deepseek-v2-tiny-fp32", j -> j.addProperty("topk_method", "noaux_tc"));
    assertTrue(e.getMessage().contains("\"topk_method\" is \"noaux_tc\""), e.getMessage());
    e = rejected("deepseek-v2-tiny-fp32", j -> j.remove("num_experts_per_tok"));
    assertTrue(e.getMessage().contains("\"num_experts_per_tok\" is missing"), e.getMessage());
    e = rejected("qwen3-moe-tiny-bf16", j -> j.addProperty("decoder_sparse_step", 0));
    assertTrue(e.getMessage().contains("\"decoder_sparse_step\""), e.getMessage());
    assertTrue(e.getMessage().startsWith(tmp.resolve("config.json").toString()), e.getMessage());
  }

  @Test
  void denseFamiliesHaveNoMoeOrMla() {
    ModelConfig c = ModelConfig.load(TestData.model("qwen3-tiny-bf16"));
    assertNull(c.moe());
    assertNull(c.mla());
    assertEquals(c.parameterCount(), c.activeParameterCount());
  }
}
