package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.eval.McItems;
import dev.depthscope.core.eval.McQuestion;
import dev.depthscope.core.eval.TextWindows;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.tokenize.TextTokenizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The chunk API: chunks run separately, in any order, sent through Java serialization and put
 * together by {@link AuditAssembly} give the metrics of one {@link LayerAudit#run} to the bit.
 */
class AuditChunksTest {

  @Test
  void chunksRunApartInReverseOrderAssembleToTheAuditsMetrics() throws Exception {
    Path dir = TestData.model("llama-tiny-bf16");
    try (CausalLm lm = CausalLm.open(dir);
        TextTokenizer tok = TextTokenizer.load(dir)) {
      long[][] rows =
          TextWindows.cut(TestData.root().resolve("data/brown-eval.txt"), tok, 12, 12 * 23)
              .windows();
      McItems mc =
          McItems.of(
              List.of(
                  new McQuestion("The cat sat on the", List.of("mat", "government", "of"), 0),
                  new McQuestion("He said that the", List.of("man was here", "the the"), 1),
                  new McQuestion("In the year", List.of("1961", "and", "she", "it was"), 3)),
              tok);
      LayerAudit.Inputs in = new LayerAudit.Inputs("test", rows, mc);
      int layers = lm.config().numLayers();
      AuditPlan plan = roundTrip(AuditPlan.of(layers, in, 2));
      // 23 rows in 12 batches and the short MC rows in a batch or two: two batches a chunk.
      assertEquals(12, plan.batches(AuditPlan.Kind.NLL));
      assertEquals(2, plan.batchesPerChunk());
      assertEquals(6 + (plan.batches(AuditPlan.Kind.MC) + 1) / 2, plan.chunks().size());
      assertEquals(
          List.of(AuditPlan.Kind.NLL, AuditPlan.Kind.MC),
          plan.chunks().stream().map(AuditPlan.Chunk::kind).distinct().toList());

      ChunkResult[] results = new ChunkResult[plan.chunks().size()];
      for (int c = results.length - 1; c >= 0; c--) {
        results[c] = roundTrip(AuditChunks.run(lm, plan, c, PruningSweep.Settings.inMemory()));
      }
      AuditAssembly.Sweeps sweeps = AuditAssembly.of(plan, Arrays.asList(results));
      AuditResult whole = LayerAudit.run(lm, dir, in, LayerAudit.Options.of(0.01, 2));

      assertEquals(
          AuditJson.gson().toJson(whole.metrics()), AuditJson.gson().toJson(sweeps.metrics()));
      assertEquals(
          AuditJson.gson().toJson(whole.uncertainty()),
          AuditJson.gson().toJson(sweeps.uncertainty()));
      assertEquals(whole.sweep().blockEvaluations(), sweeps.blockEvaluations());
      assertEquals(plan.blockEvaluations(), sweeps.blockEvaluations());
      assertTrue(whole.metrics().mcAccuracy() != null && whole.metrics().variance() != null);
    }
  }

  @Test
  void mechanismMeasurementsDoNotDependOnHowTheBatchesAreChunked() throws Exception {
    Path dir = TestData.model("llama-tiny-bf16");
    try (CausalLm lm = CausalLm.open(dir);
        TextTokenizer tok = TextTokenizer.load(dir)) {
      long[][] rows =
          TextWindows.cut(TestData.root().resolve("data/brown-eval.txt"), tok, 12, 12 * 9)
              .windows();
      LayerAudit.Inputs in = new LayerAudit.Inputs("test", rows, null);
      LayerAudit.Options opt =
          LayerAudit.Options.of(0.01, 2)
              .withMechanism(MechanismProbe.Options.DEFAULT.withJacobian(2).withLogitLens(true));
      int layers = lm.config().numLayers();
      AuditPlan many = AuditPlan.of(layers, in, 2);
      AuditPlan one = AuditPlan.of(layers, in, 2, 1);
      assertEquals(5, many.chunks().size());
      assertEquals(1, one.chunks().size());
      MechanismResult a = LayerAudit.run(lm, dir, "m", opt, AuditJournal.NONE, many).mechanism();
      MechanismResult b = LayerAudit.run(lm, dir, "m", opt, AuditJournal.NONE, one).mechanism();
      assertTrue(a.jacobianDeviation() != null && a.logitLensNll() != null);
      assertEquals(AuditJson.gson().toJson(a), AuditJson.gson().toJson(b), "to the bit");
    }
  }

  @Test
  void fewerBatchesThanTheTargetGiveOneBatchPerChunk() {
    long[][] rows = new long[7][4];
    AuditPlan plan = AuditPlan.of(3, new LayerAudit.Inputs("t", rows, null), 2);
    assertEquals(1, plan.batchesPerChunk());
    assertEquals(4, plan.chunks().size());
    assertEquals(1, plan.chunks().get(3).batches());
    AuditPlan many = AuditPlan.of(3, new LayerAudit.Inputs("t", new long[95][4], null), 1);
    assertEquals(10, many.batchesPerChunk());
    assertEquals(10, many.chunks().size());
    assertEquals(5, many.chunks().get(9).batches());
  }

  @Test
  void hiddenStateMetricsDoNotDependOnHowBatchesAreGrouped() {
    int layers = 2;
    int hidden = 3;
    java.util.Random rnd = new java.util.Random(7);
    float[][][] states = new float[4][layers + 1][2 * 5 * hidden];
    for (float[][] b : states) {
      for (float[] h : b) {
        for (int i = 0; i < h.length; i++) {
          h[i] = (float) rnd.nextGaussian();
        }
      }
    }
    HiddenStateMetrics all = metricsOf(states, 0, 4, layers, hidden);
    List<HiddenStateMetrics.Partial> parts = new ArrayList<>();
    parts.addAll(metricsOf(states, 0, 1, layers, hidden).partials());
    parts.addAll(metricsOf(states, 1, 4, layers, hidden).partials());
    HiddenStateMetrics.Values a = all.values();
    HiddenStateMetrics.Values b = HiddenStateMetrics.reduce(layers, parts);
    assertEquals(AuditJson.gson().toJson(a), AuditJson.gson().toJson(b));
  }

  private static HiddenStateMetrics metricsOf(
      float[][][] states, int from, int to, int layers, int hidden) {
    int n = to - from;
    int[] rows = new int[n];
    int[] lens = new int[n];
    Arrays.fill(rows, 2);
    Arrays.fill(lens, 5);
    HiddenStateMetrics m = new HiddenStateMetrics(layers, hidden, rows, lens);
    for (int l = 0; l <= layers; l++) {
      for (int b = 0; b < n; b++) {
        m.observe(b, l, states[from + b][l]);
      }
    }
    return m;
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(value);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (T) in.readObject();
    }
  }
}
