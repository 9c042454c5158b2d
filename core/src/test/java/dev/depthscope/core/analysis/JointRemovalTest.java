package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.TestData;
import dev.depthscope.core.eval.TokenIdsFile;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Several blocks removed together: the shared-prefix evaluation equals a plain forward pass that
 * skips those blocks, costs what {@link JointRemoval#cost} predicts, and streams each block once.
 */
class JointRemovalTest {
  static Stream<String> allModels() {
    return Stream.concat(TestData.denseModels(), TestData.moeModels());
  }

  /** Every pair, the baseline, every single block, the first and last halves, and all but one. */
  private static List<int[]> sets(int layers) {
    List<int[]> sets = new ArrayList<>();
    sets.add(new int[0]);
    for (int a = 0; a < layers; a++) {
      sets.add(new int[] {a});
      for (int b = a + 1; b < layers; b++) {
        sets.add(new int[] {b, a}); // any order
      }
    }
    sets.add(range(0, layers / 2));
    sets.add(range(layers / 2, layers));
    sets.add(range(1, layers));
    return sets;
  }

  @ParameterizedTest
  @MethodSource("allModels")
  void jointRemovalEqualsAForwardPassSkippingTheBlocks(String name) {
    Path dir = TestData.model(name);
    long[][] ids = TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
    List<long[][]> batches = List.of(Arrays.copyOfRange(ids, 0, 1), ids);
    try (CausalLm lm = CausalLm.open(dir)) {
      int layers = lm.config().numLayers();
      List<int[]> sets = sets(layers);
      JointRemoval.Result r = JointRemoval.run(lm, batches, sets, PruningSweep.Settings.inMemory());
      assertEquals(2 * JointRemoval.cost(layers, sets), r.blockEvaluations());
      for (int b = 0; b < batches.size(); b++) {
        for (int s = 0; s < sets.size(); s++) {
          float[] expected = skipping(lm, batches.get(b), sets.get(s));
          assertClose(
              expected, r.nll()[b][s], name + " batch " + b + " " + Arrays.toString(sets.get(s)));
        }
      }
    }
  }

  @Test
  void sharedPrefixesCostLessThanSeparatePasses() {
    // The sweep's candidates (baseline and singles) cost exactly the sweep's L(L+1)/2.
    int layers = 12;
    List<int[]> sweep = new ArrayList<>();
    sweep.add(new int[0]);
    for (int l = 0; l < layers; l++) {
      sweep.add(new int[] {l});
    }
    assertEquals(PruningSweep.cost(layers), JointRemoval.cost(layers, sweep));
    // One set alone costs exactly the blocks it keeps; identical sets share everything.
    assertEquals(layers - 3, JointRemoval.cost(layers, List.of(range(4, 7))));
    assertEquals(layers - 3, JointRemoval.cost(layers, List.of(range(4, 7), range(4, 7))));
    // Sets that differ only at the last block share every block before it.
    assertEquals(layers, JointRemoval.cost(layers, List.of(new int[] {11}, new int[0])));
  }

  @Test
  void streamingLoadsEachNeededBlockOnceAndSpillingChangesNothing(@TempDir Path spill) {
    Path dir = TestData.model("mistral-tiny-fp16-swa");
    long[][] ids = TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
    List<long[][]> batches = List.of(Arrays.copyOfRange(ids, 0, 1), Arrays.copyOfRange(ids, 1, 2));
    List<int[]> sets = List.of(new int[] {1, 2}, new int[] {1}, new int[] {2, 3}, range(1, 4));
    JointRemoval.Result resident;
    try (CausalLm lm = CausalLm.open(dir)) {
      resident = JointRemoval.run(lm, batches, sets, PruningSweep.Settings.inMemory());
    }
    try (CausalLm lm = CausalLm.open(dir, n -> {}, CausalLm.Residency.STREAMING)) {
      JointRemoval.Result streamed =
          JointRemoval.run(lm, batches, sets, new PruningSweep.Settings(1024, spill, null));
      // Block 0 is run by every set; blocks 1..3 by some; each is loaded once for both batches.
      assertEquals(lm.config().numLayers(), lm.blockLoads());
      assertTrue(streamed.spilledBytes() > 0, "the budget forced spilling");
      for (int b = 0; b < 2; b++) {
        for (int s = 0; s < sets.size(); s++) {
          assertEquals(
              Arrays.toString(resident.nll()[b][s]), Arrays.toString(streamed.nll()[b][s]));
        }
      }
    }
  }

  static int[] range(int from, int to) {
    int[] r = new int[to - from];
    for (int i = 0; i < r.length; i++) {
      r[i] = from + i;
    }
    return r;
  }

  /** A plain forward pass with the blocks of {@code removed} skipped. */
  static float[] skipping(CausalLm lm, long[][] ids, int[] removed) {
    return skipping(lm, SweepBatch.causal(ids), removed);
  }

  /** The scored NLL of {@code batch} (causal or packed) with {@code removed} skipped. */
  static float[] skipping(CausalLm lm, SweepBatch batch, int[] removed) {
    try (NDManager m = lm.manager().newSubManager();
        AttentionInputs att = batch.attention(lm, m)) {
      NDArray h = lm.embed(m, batch.ids());
      for (int l = 0; l < lm.config().numLayers(); l++) {
        final int block = l;
        if (Arrays.stream(removed).noneMatch(x -> x == block)) {
          h = lm.block(l, h, att);
        }
      }
      return batch.nll(lm, h, 1);
    }
  }

  /** Within 1e-6 relative per position. */
  static void assertClose(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      double tol = 1e-6 * Math.max(1, Math.abs(expected[i]));
      assertEquals(expected[i], actual[i], tol, what + " position " + i);
    }
  }
}
