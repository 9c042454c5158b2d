package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.eval.McItems;
import dev.depthscope.core.eval.McQuestion;
import dev.depthscope.core.eval.TokenIdsFile;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.tokenize.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The removal search's bookkeeping, confirmed by brute force: an exhaustive evaluation of every
 * pair of blocks, the sweep's single-block removals and the angular matrix.
 */
class RemovalSearchTest {
  private static final String MODEL = "llama-tiny-sharded-fp32";

  private static AuditResult audit(CausalLm lm, Path dir, long[][] ids, int k) {
    LayerAudit.Inputs in = new LayerAudit.Inputs("token-ids", ids, null);
    LayerAudit.Options opt =
        LayerAudit.Options.of(0.01, 1).withSearch(new RemovalSearch.Options(true, true, k));
    return LayerAudit.run(lm, dir, in, opt);
  }

  @Test
  void greedyAndContiguousAgreeWithAnExhaustiveSearchOverPairs() {
    Path dir = TestData.model(MODEL);
    long[][] ids = TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
    try (CausalLm lm = CausalLm.open(dir)) {
      int layers = lm.config().numLayers();
      AuditResult a = audit(lm, dir, ids, 3);
      RemovalSearchResult s = a.removalSearch();
      AuditResult.Metrics m = a.metrics();
      double[] pruned = m.prunedNll();

      // Greedy step 1 is the sweep's best single block, with the sweep's own figures.
      int best = 0;
      for (int l = 1; l < layers; l++) {
        best = pruned[l] < pruned[best] ? l : best;
      }
      RemovedSet step1 = s.greedy().get(0);
      assertEquals(List.of(best), step1.blocks());
      assertEquals(pruned[best], step1.jointNll());
      assertEquals(m.pruningDeltaNll()[best], step1.jointDeltaNll(), 1e-15);

      // Every pair, measured from scratch, batch by batch as the audit batches the rows.
      List<int[]> pairs = new ArrayList<>();
      for (int x = 0; x < layers; x++) {
        for (int y = x + 1; y < layers; y++) {
          pairs.add(new int[] {x, y});
        }
      }
      double[] pairNll = meanNll(lm, ids, pairs);
      int bestWithStep1 = -1;
      int bestAdjacent = -1;
      for (int p = 0; p < pairs.size(); p++) {
        int[] q = pairs.get(p);
        if ((q[0] == best || q[1] == best)
            && (bestWithStep1 < 0 || pairNll[p] < pairNll[bestWithStep1])) {
          bestWithStep1 = p;
        }
        if (q[1] == q[0] + 1 && (bestAdjacent < 0 || pairNll[p] < pairNll[bestAdjacent])) {
          bestAdjacent = p;
        }
      }
      RemovedSet step2 = s.greedy().get(1);
      assertEquals(list(pairs.get(bestWithStep1)), step2.blocks());
      assertEquals(pairNll[bestWithStep1], step2.jointNll(), 1e-6 * pairNll[bestWithStep1]);
      RemovedSet window2 = s.contiguousByNll().get(1);
      assertEquals(list(pairs.get(bestAdjacent)), window2.blocks());
      assertEquals(pairNll[bestAdjacent], window2.jointNll(), 1e-6 * pairNll[bestAdjacent]);
      double singles = m.pruningDeltaNll()[step2.blocks().get(0)];
      singles += m.pruningDeltaNll()[step2.blocks().get(1)];
      assertEquals(singles, step2.sumOfSingleDeltas(), 1e-12);
      assertTrue(
          step2.ci95()[0] <= step2.jointDeltaNll() && step2.jointDeltaNll() <= step2.ci95()[1]);

      // Contiguous by angle: the window with the smallest n-ahead last-token distance.
      for (int n = 1; n <= 3; n++) {
        int arg = 0;
        for (int x = 1; x + n <= layers; x++) {
          arg = m.lastTokenAngularMatrix()[x][n] < m.lastTokenAngularMatrix()[arg][n] ? x : arg;
        }
        assertEquals(RemovalSearch.window(arg, n), s.contiguousByAngle().get(n - 1).blocks());
        assertEquals(n, s.greedy().get(n - 1).blocks().size());
        assertEquals(n, s.contiguousByNll().get(n - 1).blocks().size());
      }
      // Windows of one block are the sweep's single removals.
      assertEquals(
          pruned[s.contiguousByNll().get(0).blocks().get(0)],
          s.contiguousByNll().get(0).jointNll());
    }
  }

  @Test
  void theSearchRunsTheBlockEvaluationsItRecords() {
    Path dir = TestData.model(MODEL);
    long[][] ids = TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
    try (CausalLm lm = CausalLm.open(dir)) {
      int layers = lm.config().numLayers();
      AuditResult a = audit(lm, dir, ids, 3);
      RemovalSearchResult s = a.removalSearch();
      // Pass 1: greedy step 2 plus every window of 2 and 3 blocks; pass 2: greedy step 3.
      List<int[]> first = new ArrayList<>();
      int b1 = s.greedy().get(0).blocks().get(0);
      for (int l = 0; l < layers; l++) {
        if (l != b1) {
          first.add(sorted(b1, l));
        }
      }
      for (int n = 2; n <= 3; n++) {
        for (int x = 0; x + n <= layers; x++) {
          first.add(JointRemovalTest.range(x, x + n));
        }
      }
      List<int[]> second = new ArrayList<>();
      List<Integer> two = s.greedy().get(1).blocks();
      for (int l = 0; l < layers; l++) {
        if (!two.contains(l)) {
          second.add(sorted(two.get(0), two.get(1), l));
        }
      }
      long perBatch = JointRemoval.cost(layers, first) + JointRemoval.cost(layers, second);
      assertEquals(ids.length * perBatch, s.blockEvaluations());
      // Alone, greedy needs its two steps and contiguous its windows of several blocks.
      List<int[]> step2 = first.subList(0, layers - 1);
      List<int[]> windows = first.subList(layers - 1, first.size());
      long greedy = JointRemoval.cost(layers, step2) + JointRemoval.cost(layers, second);
      assertEquals(ids.length * greedy, s.strategyBlockEvaluations().get("greedy"));
      assertEquals(
          ids.length * JointRemoval.cost(layers, windows),
          s.strategyBlockEvaluations().get("contiguous"));
    }
  }

  @Test
  void theSummaryCutIsMeasuredAsOneJointRemoval() {
    Path dir = TestData.model(MODEL);
    long[][] ids = TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
    try (CausalLm lm = CausalLm.open(dir)) {
      LayerAudit.Inputs in = new LayerAudit.Inputs("token-ids", ids, null);
      // A threshold no block reaches makes every block ineffective: the run is all of them but
      // the cut must still be measured, not summed.
      AuditResult a = LayerAudit.run(lm, dir, in, LayerAudit.Options.of(1e9, 1));
      assertNull(a.removalSearch());
      RemovedSet cut = a.summary().cut();
      assertNotNull(cut);
      assertEquals(a.summary().runBlocks(), cut.blocks());
      assertEquals(lm.config().numLayers(), cut.blocks().size());
      int[] all = cut.blocks().stream().mapToInt(Integer::intValue).toArray();
      double expected = meanNll(lm, ids, List.<int[]>of(all))[0];
      assertEquals(expected, cut.jointNll(), 1e-6 * expected);
      assertEquals(cut.jointNll() - a.metrics().baselineNll(), cut.jointDeltaNll(), 1e-12);
      double sum = Arrays.stream(a.metrics().pruningDeltaNll()).sum();
      assertEquals(sum, cut.sumOfSingleDeltas(), 1e-12);
    }
  }

  @Test
  void everyMeasuredSetCarriesItsMultipleChoiceAccuracy() {
    Path dir = TestData.model("llama-tiny-bf16");
    long[][] ids = TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
    List<McQuestion> questions =
        List.of(
            new McQuestion("The cat sat on the", List.of("mat", "government"), 0),
            new McQuestion("He said that the", List.of("man was here", "the the"), 1),
            new McQuestion("In the year", List.of("1961", "and"), 0),
            new McQuestion("She went to the", List.of("store", "of"), 0));
    try (CausalLm lm = CausalLm.open(dir);
        TextTokenizer tok = TextTokenizer.load(dir)) {
      McItems items = McItems.of(questions, tok);
      LayerAudit.Inputs in = new LayerAudit.Inputs("ids + mc", ids, items);
      // Every block counts as ineffective, so the cut is all of them.
      LayerAudit.Options opt =
          LayerAudit.Options.of(1e9, 2).withSearch(new RemovalSearch.Options(true, true, 2));
      AuditResult a = LayerAudit.run(lm, dir, in, opt);
      McBatches batches = new McBatches(items, 2);
      List<RemovedSet> sets = new ArrayList<>(a.removalSearch().greedy());
      sets.addAll(a.removalSearch().contiguousByNll());
      sets.add(a.summary().cut());
      for (RemovedSet r : sets) {
        double expected;
        if (r.blocks().size() == 1) {
          expected = a.metrics().mcPrunedAccuracy()[r.blocks().get(0)];
        } else {
          int[] removed = r.blocks().stream().mapToInt(Integer::intValue).toArray();
          double[] correct =
              batches.correct(
                  b -> JointRemovalTest.skipping(lm, batches.batches().get(b), removed));
          expected = Arrays.stream(correct).average().orElseThrow();
        }
        assertEquals(expected, r.mcAccuracy(), 1e-12, r.blocks().toString());
        assertEquals(r.mcAccuracy() - a.metrics().mcAccuracy(), r.mcAccuracyDelta(), 1e-12);
        assertTrue(r.mcCi95()[0] <= r.mcAccuracyDelta() && r.mcAccuracyDelta() <= r.mcCi95()[1]);
      }
    }
  }

  @Test
  void searchingAsManyBlocksAsTheModelHasIsRefused() {
    Path dir = TestData.model(MODEL);
    long[][] ids = TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
    try (CausalLm lm = CausalLm.open(dir)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> audit(lm, dir, ids, 6));
      assertTrue(e.getMessage().contains("--remove-up-to must be below"), e.getMessage());
    }
  }

  /** Mean NLL over all positions of every row, each set measured by a plain skipping pass. */
  private static double[] meanNll(CausalLm lm, long[][] ids, List<int[]> sets) {
    double[] out = new double[sets.size()];
    for (int s = 0; s < sets.size(); s++) {
      double sum = 0;
      long count = 0;
      for (long[] row : ids) {
        for (float x : JointRemovalTest.skipping(lm, new long[][] {row}, sets.get(s))) {
          sum += x;
          count++;
        }
      }
      out[s] = sum / count;
    }
    return out;
  }

  private static int[] sorted(int... blocks) {
    int[] b = blocks.clone();
    Arrays.sort(b);
    return b;
  }

  private static List<Integer> list(int[] blocks) {
    return Arrays.stream(blocks).boxed().toList();
  }
}
