package dev.depthscope.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.config.ModelConfig;
import dev.depthscope.core.config.NormScheme;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.Trace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Post-LN and Mix-LN from the parity-6L init (short runs): the loss falls, the exports carry {@code
 * depthscope_norm_scheme}, and core's loader honours it (the loaded model reproduces the trained
 * model's eval loss, which it could not with a Pre-LN forward). Also covers train-compare's output.
 */
class OtherSchemesTest {
  @TempDir Path tmp;

  @Test
  void postAndMixTrainAndTheirExportsLoad() throws Exception {
    Path init = TestData.fixture("trainer-reference/parity-6L/init");
    Path data = TestData.fixture("data/brown-bpe-4096");
    Hyperparameters hp =
        new Hyperparameters(40, 4, 64, 1e-3, 5, 0.1, 0.1, 1.0, 0.9, 0.95, 1e-8, 2, 16, 20, 1L);
    TrainSpec base =
        new TrainSpec(
            Norm.POST,
            false,
            init,
            null,
            hp,
            TokenStream.read(data.resolve("brown-train.u16"), 2),
            TokenStream.read(data.resolve("brown-eval.u16"), 2),
            null,
            tmp);
    List<TrainResult> results =
        TrainCompare.run(
            base,
            List.of(Norm.POST, Norm.MIX),
            n -> StepListener.NONE,
            TrainCompare.TrainedModelHook.NONE);
    for (TrainResult r : results) {
      double first = r.losses().get(0)[1];
      double last = 0;
      for (int s = 35; s < 40; s++) {
        last += r.losses().get(s)[1] / 5;
      }
      assertTrue(last < first - 0.3, r.norm() + ": loss " + first + " -> " + last);
      assertEquals(2, r.evals().size(), "an eval at step 20 and the final one");

      ModelConfig c = ModelConfig.load(r.modelDir());
      assertEquals(r.norm().scheme(), c.normScheme());
      assertTrue(Files.isRegularFile(r.modelDir().resolve("tokenizer.json")));
      double audited = ParityTest.auditedEvalLoss(r.modelDir(), base.eval(), hp);
      assertEquals(r.finalEvalLoss(), audited, 1e-4, r.norm() + " export");
      try (CausalLm lm = CausalLm.open(r.modelDir())) {
        Trace t = lm.trace(base.eval().batch(0, 2, 16));
        assertEquals(7, t.hiddenStates().length);
        assertTrue(Double.isFinite(t.meanNll()));
      }
    }
    assertEquals(NormScheme.POST, results.get(0).norm().scheme());
    // Mix-LN with 6 layers: floor(6/4) = 1 Post-LN block.
    assertTrue(NormScheme.MIX.postNorm(0, 6));
    assertFalse(NormScheme.MIX.postNorm(1, 6));

    JsonObject cmp =
        JsonParser.parseString(Files.readString(tmp.resolve("comparison.json"))).getAsJsonObject();
    assertEquals(2, cmp.getAsJsonArray("norms").size());
    assertEquals(
        40, cmp.getAsJsonObject("runs").getAsJsonObject("mix").getAsJsonArray("losses").size());
    JsonObject curves =
        JsonParser.parseString(Files.readString(tmp.resolve("post/curves.json"))).getAsJsonObject();
    assertEquals(4, curves.getAsJsonArray("losses").get(0).getAsJsonArray().size());
    assertTrue(curves.get("tokens_per_second").getAsDouble() > 0);
    assertEquals(40, curves.getAsJsonObject("hyperparameters").get("steps").getAsInt());
  }
}
