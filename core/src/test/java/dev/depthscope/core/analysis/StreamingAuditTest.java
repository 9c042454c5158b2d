package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.eval.TokenIdsFile;
import dev.depthscope.core.model.CausalLm;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A streaming audit (one block's weights at a time, hidden states spilled to disk under a tiny
 * memory budget) gives exactly the metrics of a resident, in-memory audit.
 */
class StreamingAuditTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "llama-tiny-sharded-fp32",
        "mistral-tiny-fp16-swa",
        "qwen3-moe-tiny-bf16",
        "deepseek-v3-tiny-bf16"
      })
  void streamingAndSpillingGiveTheResidentMetrics(String name, @TempDir Path spill) {
    Path dir = TestData.model(name);
    long[][] ids = TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
    LayerAudit.Inputs in = new LayerAudit.Inputs("token-ids", ids, null);
    AuditResult resident;
    try (CausalLm lm = CausalLm.open(dir, n -> {}, CausalLm.Residency.RESIDENT)) {
      resident = LayerAudit.run(lm, dir, in, LayerAudit.Options.of(0.01, 1));
    }
    AuditResult streamed;
    long loads;
    try (CausalLm lm = CausalLm.open(dir, n -> {}, CausalLm.Residency.STREAMING)) {
      streamed =
          LayerAudit.run(
              lm,
              dir,
              in,
              new LayerAudit.Options(0.01, 1, new PruningSweep.Settings(1024, spill, null)));
      loads = lm.blockLoads();
    }
    int layers = resident.model().layers();
    // The sweep loads each block once per chunk for all the chunk's batches; measuring the
    // summary's cut jointly (when it spans several blocks) is one more pass over the blocks it
    // keeps; the mechanism measurements (update norms, by default) ride along in the sweep.
    int chunks = AuditPlan.of(layers, in, 1).chunks().size();
    assertTrue(chunks > 1 && chunks <= ids.length, chunks + " chunks");
    RemovedSet cut = streamed.summary().cut();
    int cutPass = cut == null || cut.blocks().size() < 2 ? 0 : layers - cut.blocks().size();
    assertEquals(
        layers * chunks + cutPass, loads, "each block loaded once per chunk for all its batches");
    assertEquals(resident.summary().cut().jointNll(), cut.jointNll());
    assertTrue(streamed.sweep().spilledBytes() > 0, "the budget forced spilling");
    AuditResult.Metrics a = resident.metrics();
    AuditResult.Metrics b = streamed.metrics();
    assertArrayEquals(a.variance(), b.variance());
    assertArrayEquals(a.angularDistance(), b.angularDistance());
    assertArrayEquals(a.blockInfluence(), b.blockInfluence());
    assertArrayEquals(a.prunedNll(), b.prunedNll());
    assertEquals(a.baselineNll(), b.baselineNll());
    for (int r = 0; r <= layers; r++) {
      assertArrayEquals(a.lastTokenAngularMatrix()[r], b.lastTokenAngularMatrix()[r]);
    }
    if (a.expertLoad() != null) {
      for (int l = 0; l < layers; l++) {
        assertArrayEquals(a.expertLoad()[l], b.expertLoad()[l]);
      }
    }
  }
}
