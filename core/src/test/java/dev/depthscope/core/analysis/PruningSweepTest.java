package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.TestData;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The block-major sweep equals separate passes, in memory and when spilling to disk. */
class PruningSweepTest {
  private static final long[][] FIRST = {
    {0, 17, 250, 3, 99, 1024, 7, 7, 300, 12}, {0, 5, 6, 7, 8, 9, 10, 11, 12, 13}
  };
  private static final long[][] SECOND = {{0, 4000, 12, 12, 12, 90}};

  @Test
  void sweepEqualsOnePassPerRemovedBlock() {
    Path dir = TestData.model("llama-tiny-sharded-fp32");
    try (CausalLm lm = CausalLm.open(dir)) {
      PruningSweep.Result r =
          PruningSweep.run(lm, List.of(FIRST, SECOND), null, PruningSweep.Settings.inMemory());
      int layers = lm.config().numLayers();
      assertEquals(2 * PruningSweep.cost(layers), r.blockEvaluations());
      assertEquals(0, r.spilledBytes());
      long[][][] batches = {FIRST, SECOND};
      for (int b = 0; b < 2; b++) {
        assertArrayEquals(pass(lm, batches[b], -1), r.baseline()[b], 1e-5f, "baseline " + b);
        for (int l = 0; l < layers; l++) {
          assertArrayEquals(
              pass(lm, batches[b], l), r.pruned()[b][l], 1e-5f, "batch " + b + " without " + l);
        }
      }
    }
  }

  @Test
  void spillingBeyondTheBudgetGivesIdenticalResults(@TempDir Path tmp) {
    Path dir = TestData.model("llama-tiny-sharded-fp32");
    try (CausalLm lm = CausalLm.open(dir)) {
      PruningSweep.Result mem =
          PruningSweep.run(lm, List.of(FIRST, SECOND), null, PruningSweep.Settings.inMemory());
      PruningSweep.Result disk =
          PruningSweep.run(
              lm, List.of(FIRST, SECOND), null, new PruningSweep.Settings(3000, tmp, null));
      assertTrue(disk.spilledBytes() > 0, "states were spilled");
      for (int b = 0; b < 2; b++) {
        assertArrayEquals(mem.baseline()[b], disk.baseline()[b]);
        for (int l = 0; l < lm.config().numLayers(); l++) {
          assertArrayEquals(mem.pruned()[b][l], disk.pruned()[b][l]);
        }
      }
      assertEquals(0, tmp.toFile().list().length, "spill file removed");
    }
  }

  @Test
  void streamingLoadsEachBlockOncePerSweep() {
    Path dir = TestData.model("llama-tiny-sharded-fp32");
    try (CausalLm streaming = CausalLm.open(dir, n -> {}, CausalLm.Residency.STREAMING);
        CausalLm resident = CausalLm.open(dir)) {
      PruningSweep.Result s =
          PruningSweep.run(
              streaming, List.of(FIRST, SECOND), null, PruningSweep.Settings.inMemory());
      assertEquals(streaming.config().numLayers(), streaming.blockLoads());
      PruningSweep.Result r =
          PruningSweep.run(
              resident, List.of(FIRST, SECOND), null, PruningSweep.Settings.inMemory());
      for (int b = 0; b < 2; b++) {
        assertArrayEquals(r.baseline()[b], s.baseline()[b]);
      }
    }
  }

  /** A plain full pass, skipping block {@code skip} (-1 for none). */
  private static float[] pass(CausalLm lm, long[][] ids, int skip) {
    try (NDManager m = lm.manager().newSubManager();
        AttentionInputs att = lm.attentionInputs(m, ids[0].length)) {
      NDArray h = lm.embed(m, ids);
      for (int l = 0; l < lm.config().numLayers(); l++) {
        if (l != skip) {
          h = lm.block(l, h, att);
        }
      }
      return lm.head(h, ids).tokenNll();
    }
  }
}
