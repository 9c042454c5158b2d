package dev.depthscope.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Parity with the PyTorch reference runs of {@code trainer-reference/parity-6L}: same init, same
 * data, same hyperparameters, 300 steps each for Pre-LN and LNS; then the exported checkpoint,
 * loaded by core's {@link CausalLm}, must reproduce the trained model's eval loss (exact LNS fold).
 */
class ParityTest {
  @TempDir Path tmp;

  @ParameterizedTest
  @ValueSource(strings = {"pre", "lns"})
  void matchesPyTorchReference(String scheme) throws Exception {
    Path ref = TestData.fixture("trainer-reference/parity-6L");
    Path data = TestData.fixture("data/brown-bpe-4096");
    JsonObject curves =
        JsonParser.parseString(Files.readString(ref.resolve("reference-curves.json")))
            .getAsJsonObject();
    JsonObject refRun = curves.getAsJsonObject(scheme);
    Hyperparameters hp = Hyperparameters.parity6L();
    JsonObject h = curves.getAsJsonObject("hyperparameters");
    assertEquals(h.get("steps").getAsInt(), hp.steps());
    assertEquals(h.get("lr").getAsDouble(), hp.lr());
    assertEquals(h.get("batch").getAsInt(), hp.batch());
    assertEquals(h.get("seq").getAsInt(), hp.seq());

    TrainSpec spec =
        new TrainSpec(
            Norm.parse(scheme),
            false,
            ref.resolve("init"),
            null,
            hp,
            TokenStream.read(data.resolve("brown-train.u16"), 2),
            TokenStream.read(data.resolve("brown-eval.u16"), 2),
            null,
            tmp.resolve(scheme));
    long start = System.nanoTime();
    TrainResult r =
        Trainer.run(
            spec,
            (step, loss, gn, lr, tps) -> {
              if (step % 25 == 0) {
                System.out.printf(
                    Locale.ROOT,
                    "%s step %d loss %.4f gn %.4f %.0f tok/s %.1f s%n",
                    scheme,
                    step,
                    loss,
                    gn,
                    tps,
                    (System.nanoTime() - start) / 1e9);
              }
            });

    JsonArray refLosses = refRun.getAsJsonArray("losses");
    assertEquals(refLosses.size(), r.losses().size());
    double sum = 0;
    double max = 0;
    double maxGradRel = 0;
    for (int s = 0; s < refLosses.size(); s++) {
      JsonArray row = refLosses.get(s).getAsJsonArray();
      double d = Math.abs(row.get(1).getAsDouble() - r.losses().get(s)[1]);
      sum += d;
      max = Math.max(max, d);
      if (s < 20) {
        double g = row.get(2).getAsDouble();
        maxGradRel = Math.max(maxGradRel, Math.abs(r.losses().get(s)[2] - g) / g);
      }
    }
    double mean = sum / refLosses.size();
    double refEval = refRun.get("final_eval_loss").getAsDouble();

    // The export, loaded by core, must give the same eval loss (the LNS fold is exact).
    double audited = auditedEvalLoss(r.modelDir(), spec.eval(), hp);
    System.out.printf(
        Locale.ROOT,
        "parity %s: mean |dloss| %.5f, max %.5f, max grad-norm rel diff (20 steps) %.4f, eval %.5f"
            + " (ref %.5f), audited %.6f, %.0f tok/s, %.1f s%n",
        scheme,
        mean,
        max,
        maxGradRel,
        r.finalEvalLoss(),
        refEval,
        audited,
        r.tokensPerSecond(),
        r.trainSeconds());
    assertTrue(mean < 0.02, "mean loss diff " + mean);
    assertTrue(max < 0.1, "max loss diff " + max);
    assertTrue(maxGradRel < 0.05, "grad norm rel diff " + maxGradRel);
    assertEquals(refEval, r.finalEvalLoss(), 0.03, "final eval loss");
    assertEquals(r.finalEvalLoss(), audited, 1e-4, "exported model's eval loss");
  }

  /** Mean NLL of the exported model over the eval batches, computed by core's forward. */
  static double auditedEvalLoss(Path modelDir, TokenStream eval, Hyperparameters hp) {
    double sum = 0;
    try (CausalLm lm = CausalLm.open(modelDir)) {
      for (int s = 0; s < hp.evalBatches(); s++) {
        long[][] rows = eval.batch(s, hp.evalBatch(), hp.seq());
        try (NDManager m = lm.manager().newSubManager();
            AttentionInputs att = lm.attentionInputs(m, rows[0].length)) {
          NDArray h = lm.blocks(0, lm.config().numLayers(), lm.embed(m, rows), att);
          float[] nll = lm.head(h, rows).tokenNll();
          double batch = 0;
          for (float v : nll) {
            batch += v;
          }
          sum += batch / nll.length;
        }
      }
    }
    return sum / hp.evalBatches();
  }
}
