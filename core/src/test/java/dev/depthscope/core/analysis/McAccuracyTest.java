package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.TestData;
import dev.depthscope.core.eval.McItems;
import dev.depthscope.core.eval.McQuestion;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.tokenize.TextTokenizer;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Multiple-choice accuracy ({@code acc}, and {@code acc_norm}: per character of the choice),
 * baseline and with each block removed, equals a hand computation that scores every (question,
 * choice) row alone, unpadded, from the model's own log-probabilities; the first of equal scores
 * wins, as numpy's argmax in lm-evaluation-harness.
 */
class McAccuracyTest {

  @Test
  void accuracyMatchesHandComputedLogProbabilities() {
    Path dir = TestData.model("llama-tiny-bf16");
    List<McQuestion> questions =
        List.of(
            new McQuestion("The cat sat on the", List.of("mat", "government", "of"), 0),
            new McQuestion("He said that the", List.of("man was here", "the the", "."), 1),
            new McQuestion("In the year", List.of("1961", "and", "she", "it was"), 3),
            new McQuestion("It is a", List.of("good idea", "is", "very long way to go"), 2),
            new McQuestion("They went to", List.of("the", "school", "Washington", "be"), 1));
    try (CausalLm lm = CausalLm.open(dir);
        TextTokenizer tok = TextTokenizer.load(dir)) {
      McItems items = McItems.of(questions, tok);
      AuditResult r =
          LayerAudit.run(
              lm, dir, new LayerAudit.Inputs("mc", null, items), LayerAudit.Options.of(0.01, 3));
      int layers = lm.config().numLayers();
      for (int skip = -1; skip < layers; skip++) {
        double[] scores = new double[items.rows().length];
        for (int i = 0; i < scores.length; i++) {
          scores[i] = handScore(lm, items.rows()[i], items.continuationStart()[i], skip);
        }
        double[] correct = handCorrect(items, scores, false);
        double expected = java.util.Arrays.stream(correct).average().orElseThrow();
        double got = skip < 0 ? r.metrics().mcAccuracy() : r.metrics().mcPrunedAccuracy()[skip];
        assertEquals(expected, got, 1e-12, "accuracy with block " + skip + " removed");
        double norm =
            java.util.Arrays.stream(handCorrect(items, scores, true)).average().orElseThrow();
        double gotNorm = skip < 0 ? r.mc().accNorm() : r.mc().prunedAccNorm()[skip];
        assertEquals(norm, gotNorm, 1e-12, "acc_norm with block " + skip + " removed");
      }
    }
  }

  /** Sum of log p(choice token | prefix), running the blocks one by one, skipping {@code skip}. */
  private static double handScore(CausalLm lm, long[] row, int contStart, int skip) {
    long[][] ids = {row};
    try (NDManager m = lm.manager().newSubManager();
        AttentionInputs att = lm.attentionInputs(m, row.length)) {
      NDArray h = lm.embed(m, ids);
      for (int l = 0; l < lm.config().numLayers(); l++) {
        if (l != skip) {
          h = lm.block(l, h, att);
        }
      }
      float[] nll = lm.head(h, ids).tokenNll();
      double s = 0;
      for (int t = contStart; t < row.length; t++) {
        s += -nll[t - 1];
      }
      return s;
    }
  }

  private static double[] handCorrect(McItems items, double[] scores, boolean perChar) {
    int q = items.questions().size();
    double[] out = new double[q];
    for (int k = 0; k < q; k++) {
      int best = -1;
      double bestScore = Double.NEGATIVE_INFINITY;
      for (int i = 0; i < scores.length; i++) {
        if (items.question()[i] != k) {
          continue;
        }
        String choice = items.questions().get(k).choices().get(items.choice()[i]);
        double s = perChar ? scores[i] / choice.length() : scores[i];
        if (s > bestScore) {
          bestScore = s;
          best = items.choice()[i];
        }
      }
      out[k] = best == items.questions().get(k).answer() ? 1 : 0;
    }
    return out;
  }
}
