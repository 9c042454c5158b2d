package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.eval.TokenIdsFile;
import dev.depthscope.core.model.CausalLm;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The audit of every supported fixture and both trained models, on the reference input ids,
 * reproduces {@code reference/metrics.json}: hidden-state metrics within 1e-4 relative or 1e-6
 * absolute, NLLs within 1e-4, with at most L(L+1)/2 block evaluations per batch.
 */
class LayerAuditReferenceTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "fixtures/llama-tiny-bf16",
        "fixtures/llama-tiny-sharded-fp32",
        "fixtures/llama3-long-bf16",
        "fixtures/mistral-tiny-fp16-swa",
        "fixtures/qwen2-tiny-tied",
        "fixtures/qwen3-tiny-bf16",
        "fixtures/qwen3-realvocab-bf16",
        "fixtures/mixtral-tiny-fp32",
        "fixtures/qwen3-moe-tiny-bf16",
        "fixtures/deepseek-v2-tiny-fp32",
        "fixtures/deepseek-v3-tiny-bf16",
        "trained/llama-24L-brown-pre",
        "trained/llama-24L-brown-lns"
      })
  void auditMetricsMatchReference(String name) throws Exception {
    Path dir = TestData.fixture(name);
    JsonObject ref =
        JsonParser.parseString(Files.readString(dir.resolve("reference/metrics.json")))
            .getAsJsonObject();
    long[][] ids = TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
    AuditResult r;
    try (CausalLm lm = CausalLm.open(dir)) {
      r =
          LayerAudit.run(
              lm,
              dir,
              new LayerAudit.Inputs("token-ids", ids, null),
              LayerAudit.Options.of(0.01, 8));
    }
    int layers = ref.get("num_layers").getAsInt();
    AuditResult.Metrics m = r.metrics();
    assertClose(name + " variance", ref.getAsJsonArray("variance"), m.variance());
    assertClose(
        name + " angular_distance", ref.getAsJsonArray("angular_distance"), m.angularDistance());
    assertClose(
        name + " block_influence", ref.getAsJsonArray("block_influence"), m.blockInfluence());
    JsonArray matrix = ref.getAsJsonArray("last_token_angular_matrix");
    for (int a = 0; a <= layers; a++) {
      JsonArray row = matrix.get(a).getAsJsonArray();
      for (int n = 0; n <= layers; n++) {
        JsonElement want = row.get(n);
        Double got = m.lastTokenAngularMatrix()[a][n];
        if (want.isJsonNull()) {
          assertNull(got, name + " matrix[" + a + "][" + n + "] should be null");
        } else {
          assertClose(name + " matrix[" + a + "][" + n + "]", want.getAsDouble(), got);
        }
      }
    }
    assertEquals(ref.get("baseline_nll").getAsDouble(), m.baselineNll(), 1e-4, name + " baseline");
    JsonArray pruned = ref.getAsJsonArray("pruned_nll");
    JsonArray delta = ref.getAsJsonArray("pruning_delta_nll");
    for (int l = 0; l < layers; l++) {
      assertEquals(pruned.get(l).getAsDouble(), m.prunedNll()[l], 1e-4, name + " pruned " + l);
      assertEquals(delta.get(l).getAsDouble(), m.pruningDeltaNll()[l], 1e-4, name + " delta " + l);
    }
    long perBatch = (long) layers * (layers + 1) / 2;
    assertTrue(
        r.sweep().blockEvaluations() <= perBatch * r.sweep().batches(),
        name + ": " + r.sweep().blockEvaluations() + " block evaluations");
    assertEquals(1, r.sweep().batches());
    if (r.model().modelType().contains("moe")
        || r.model().modelType().startsWith("mixtral")
        || r.model().modelType().startsWith("deepseek")) {
      long[][] load = m.expertLoad();
      int topK = lm(dir).moe().topK();
      long tokens = (long) ids.length * ids[0].length;
      boolean anyMoe = false;
      for (long[] layer : load) {
        if (layer != null) {
          anyMoe = true;
          assertEquals(tokens * topK, java.util.Arrays.stream(layer).sum(), name + " load");
        }
      }
      assertTrue(anyMoe, name + ": expert load recorded");
    } else {
      assertNull(m.expertLoad(), name + ": dense model has no expert load");
    }
  }

  private static dev.depthscope.core.config.ModelConfig lm(Path dir) {
    return dev.depthscope.core.config.ModelConfig.load(dir);
  }

  private static void assertClose(String what, JsonArray want, double[] got) {
    assertEquals(want.size(), got.length, what + " length");
    for (int i = 0; i < got.length; i++) {
      assertClose(what + "[" + i + "]", want.get(i).getAsDouble(), got[i]);
    }
  }

  private static void assertClose(String what, double want, double got) {
    double err = Math.abs(want - got);
    assertTrue(
        err <= 1e-6 || err <= 1e-4 * Math.abs(want),
        what + ": expected " + want + ", got " + got + " (error " + err + ")");
  }
}
