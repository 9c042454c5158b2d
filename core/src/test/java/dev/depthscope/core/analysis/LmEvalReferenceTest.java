package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.eval.McFormat;
import dev.depthscope.core.eval.McItems;
import dev.depthscope.core.eval.McQuestion;
import dev.depthscope.core.eval.McQuestions;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.tokenize.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Multiple-choice scores match lm-evaluation-harness 0.4.13 ({@code testdata/mc/lmeval-*.json},
 * made by {@code testdata/mc/make_reference.py} with lm-eval's hf backend in float32) on both
 * trained 24-layer models and two dense fixtures, for a cloze JSONL set, a set longer than the
 * models' 512 positions, and an MMLU CSV zero-shot and 5-shot: {@code acc} and {@code acc_norm}
 * exactly, each choice's continuation token count exactly, and each log-likelihood within 1e-4.
 */
class LmEvalReferenceTest {
  static final double TOLERANCE = 1e-4;

  /** The item set {@code set} of the reference, as the audit builds it for {@code lm}. */
  static McItems items(String set, TextTokenizer tok, int maxLength) {
    Path mc = TestData.fixture("mc");
    List<McQuestion> dev = McQuestions.read(mc.resolve("mmlu-dev.csv"));
    return switch (set) {
      case "cloze" ->
          McItems.of(McQuestions.read(mc.resolve("cloze.jsonl")), McFormat.plain(), tok, maxLength);
      case "long" ->
          McItems.of(McQuestions.read(mc.resolve("long.jsonl")), McFormat.plain(), tok, maxLength);
      case "mmlu-0shot" ->
          McItems.of(
              McQuestions.read(mc.resolve("mmlu-test.csv")),
              new McFormat(McFormat.Style.MMLU, "brown_corpus", 0, List.of()),
              tok,
              maxLength);
      case "mmlu-5shot" ->
          McItems.of(
              McQuestions.read(mc.resolve("mmlu-test.csv")),
              new McFormat(McFormat.Style.MMLU, "brown_corpus", 5, dev),
              tok,
              maxLength);
      default -> throw new IllegalArgumentException(set);
    };
  }

  /** The baseline scores of the items, in the audit's batches ({@link McBatches}). */
  static McScoring.Scores baseline(CausalLm lm, McItems items) {
    McBatches batches = new McBatches(items, 4);
    List<float[]> nll = new java.util.ArrayList<>();
    int layers = lm.config().numLayers();
    for (SweepBatch batch : batches.batches()) {
      try (NDManager m = lm.manager().newSubManager();
          AttentionInputs att = batch.attention(lm, m)) {
        NDArray h = lm.blocks(0, layers, lm.embed(m, batch.ids()), att);
        nll.add(batch.nll(lm, h, 1));
      }
    }
    return batches.scores(nll::get);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "llama-24L-brown-pre",
        "llama-24L-brown-lns",
        "llama-tiny-bf16",
        "qwen3-realvocab-bf16"
      })
  void scoresMatchLmEvaluationHarness(String model) throws Exception {
    JsonObject ref =
        JsonParser.parseString(
                Files.readString(TestData.fixture("mc").resolve("lmeval-" + model + ".json")))
            .getAsJsonObject();
    Path dir = TestData.fixture(ref.get("model").getAsString());
    try (CausalLm lm = CausalLm.open(dir);
        TextTokenizer tok = TextTokenizer.load(dir)) {
      int maxLength = ref.get("max_length").getAsInt();
      assertEquals(lm.config().maxPositionEmbeddings(), maxLength, "lm-eval's max_length");
      JsonObject sets = ref.getAsJsonObject("sets");
      for (String set : sets.keySet()) {
        JsonObject s = sets.getAsJsonObject(set);
        McItems items = items(set, tok, maxLength);
        McScoring.Scores scores = baseline(lm, items);
        JsonArray qs = s.getAsJsonArray("questions");
        assertEquals(qs.size(), scores.acc().length, model + " " + set + " questions");
        for (int q = 0; q < qs.size(); q++) {
          JsonObject r = qs.get(q).getAsJsonObject();
          String where = model + " " + set + " question " + q;
          JsonArray ll = r.getAsJsonArray("loglik");
          JsonArray tokens = r.getAsJsonArray("tokens");
          for (int c = 0; c < ll.size(); c++) {
            assertEquals(
                tokens.get(c).getAsInt(),
                scores.tokens()[q][c],
                where + " choice " + c + " tokens");
            assertEquals(
                ll.get(c).getAsDouble(),
                scores.loglik()[q][c],
                TOLERANCE,
                where + " choice " + c + " loglik");
          }
          assertEquals(r.get("acc").getAsDouble(), scores.acc()[q], where + " acc");
          assertEquals(r.get("acc_norm").getAsDouble(), scores.accNorm()[q], where + " acc_norm");
        }
        assertEquals(s.get("acc").getAsDouble(), scores.meanAcc(), 1e-12, model + " " + set);
        assertEquals(
            s.get("acc_norm").getAsDouble(), scores.meanAccNorm(), 1e-12, model + " " + set);
        if (set.equals("long")) {
          assertEquals(items.questions().size(), items.truncatedQuestions(), "all truncated");
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"cloze", "long", "mmlu-0shot", "mmlu-5shot"})
  void auditReportsTheSameBaselineAsOneForwardPerItem(String set) throws Exception {
    Path dir = TestData.model("llama-tiny-bf16");
    JsonObject ref =
        JsonParser.parseString(
                Files.readString(TestData.fixture("mc").resolve("lmeval-llama-tiny-bf16.json")))
            .getAsJsonObject()
            .getAsJsonObject("sets")
            .getAsJsonObject(set);
    try (CausalLm lm = CausalLm.open(dir);
        TextTokenizer tok = TextTokenizer.load(dir)) {
      McItems items = items(set, tok, lm.config().maxPositionEmbeddings());
      AuditResult r =
          LayerAudit.run(
              lm, dir, new LayerAudit.Inputs("mc", null, items), LayerAudit.Options.of(0.01, 8));
      McReport mc = r.mc();
      assertEquals(ref.get("acc").getAsDouble(), mc.acc(), 1e-12);
      assertEquals(ref.get("acc_norm").getAsDouble(), mc.accNorm(), 1e-12);
      assertEquals(mc.acc(), r.metrics().mcAccuracy(), 0);
      assertEquals(lm.config().numLayers() + 1, mc.samples().size());
      JsonArray qs = ref.getAsJsonArray("questions");
      for (int q = 0; q < qs.size(); q++) {
        JsonArray ll = qs.get(q).getAsJsonObject().getAsJsonArray("loglik");
        for (int c = 0; c < ll.size(); c++) {
          assertEquals(ll.get(c).getAsDouble(), mc.samples().get(0).loglik()[q][c], TOLERANCE);
        }
      }
      for (int l = 0; l < lm.config().numLayers(); l++) {
        assertEquals(mc.samples().get(l + 1).meanAccNorm(), mc.prunedAccNorm()[l], 0);
        assertEquals(mc.prunedAccNorm()[l] - mc.accNorm(), mc.accNormDelta()[l], 1e-15);
        double[] ci = mc.accNormDeltaCi95().get(l);
        assertTrue(ci[0] <= mc.accNormDelta()[l] + 1e-12 && mc.accNormDelta()[l] <= ci[1] + 1e-12);
      }
    }
  }
}
