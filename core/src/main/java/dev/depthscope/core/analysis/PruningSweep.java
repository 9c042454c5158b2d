package dev.depthscope.core.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.ExpertLoad;
import dev.depthscope.core.model.NonFiniteException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One baseline pass plus the L "block removed" variants over all evaluation batches, run
 * block-major so each block's weights are needed once per audit: at block j, for every batch, the
 * baseline stream advances ({@code h_{j+1} = B_j(h_j)}), the variant without block j is born as the
 * stored {@code h_j} (removing block j cannot change {@code h_0 .. h_j}, so nothing before it is
 * recomputed), and every older variant advances through block j. That costs {@code L + L(L-1)/2 =
 * L(L+1)/2} block evaluations per batch instead of the {@code L(L+1)} of a baseline plus L separate
 * full passes.
 *
 * <p>The states carried between blocks (the baseline and up to L variants per batch) stay in native
 * memory up to a byte budget and spill to a temporary file beyond it.
 */
public final class PruningSweep {
  private PruningSweep() {}

  /** Receives each baseline hidden state h_l {@code [B, T, D]} as it is computed. */
  @FunctionalInterface
  public interface HiddenStateObserver {
    /** Called for every batch with l = 0..L in increasing order per batch. */
    void observe(int batch, int layer, float[] hidden);
  }

  /**
   * Receives progress: {@code done} of {@code total} block evaluations, then the states scored by
   * the LM head (which can take as long as the blocks: a large vocabulary costs more per state than
   * a block), and the phases an audit goes through after its sweeps.
   */
  @FunctionalInterface
  public interface ProgressListener {
    /** Called after each block evaluation. */
    void blockEvaluated(long done, long total);

    /**
     * Called once with {@code done = 0} before the first block (so the whole work is known up
     * front), then after each LM-head call: {@code done} of {@code total} states (the baseline and
     * every variant of every batch, L+1 per batch) through the final norm and LM head.
     */
    default void statesScored(long done, long total) {}

    /**
     * The audit moved on to work without blocks or head calls, after the sweeps' last update: e.g.
     * {@code "bootstrap intervals (1000 resamples)"}.
     */
    default void phase(String description) {}

    /**
     * The listener for a following phase of block evaluations named {@code task} (e.g. the joint
     * removals after the sweep), counted from 0; by default this one, counting on.
     */
    default ProgressListener next(String task) {
      return this;
    }

    /** A listener that ignores progress. */
    ProgressListener NONE = (done, total) -> {};
  }

  /**
   * Where states go and how progress is reported.
   *
   * @param memoryBudget bytes of carried hidden states kept in native memory
   * @param spillDir directory for the spill file beyond the budget
   * @param progress block-evaluation counts
   */
  public record Settings(long memoryBudget, Path spillDir, ProgressListener progress) {
    /** Everything in memory, no progress. */
    public static Settings inMemory() {
      return new Settings(Long.MAX_VALUE, Path.of(System.getProperty("java.io.tmpdir")), null);
    }

    /** The same budget and spill directory, reporting to {@code listener}. */
    public Settings withProgress(ProgressListener listener) {
      return new Settings(memoryBudget, spillDir, listener);
    }
  }

  /**
   * Per-position NLL of the baseline and of every variant, per batch.
   *
   * @param baseline {@code baseline[b]}: {@code [B_b * (T_b - 1)]} next-token NLL (nats)
   * @param pruned {@code pruned[b][l]}: the same with block l replaced by the identity
   * @param blockEvaluations blocks run
   * @param spilledBytes peak bytes of states written to the spill file (0 if none)
   * @param expertLoad tokens routed to each expert per layer in the baseline pass ({@code [L][E]},
   *     null rows for dense layers), or null for a dense model
   */
  public record Result(
      float[][] baseline,
      float[][][] pruned,
      long blockEvaluations,
      long spilledBytes,
      long[][] expertLoad) {}

  /** "on batch 2 of 3": where a non-finite value came from, for the error (1-based). */
  static String where(int batch, int batches) {
    return "on batch " + (batch + 1) + " of " + batches;
  }

  /** Block evaluations one batch costs for a model of {@code layers} blocks. */
  public static long cost(int layers) {
    return (long) layers * (layers + 1) / 2;
  }

  /**
   * Runs the sweep over {@code batches} (each a rectangle {@code [B, T]}; batches may differ in
   * shape).
   *
   * @param observer receives h_0..h_L of the baseline per batch (may be null)
   */
  public static Result run(
      CausalLm lm, List<long[][]> batches, HiddenStateObserver observer, Settings settings) {
    return run(lm, batches, observer, settings, 0, batches.size());
  }

  /**
   * As {@link #run(CausalLm, List, HiddenStateObserver, Settings)} for {@code batches}, which are
   * batches {@code first ..} of {@code of} of a larger run (an audit chunk): errors name the
   * batch's number in the whole run.
   */
  public static Result run(
      CausalLm lm,
      List<long[][]> batches,
      HiddenStateObserver observer,
      Settings settings,
      int first,
      int of) {
    return runBatches(lm, SweepBatch.causal(batches), observer, settings, first, of);
  }

  /**
   * The sweep over causal or packed batches ({@link SweepBatch}); {@link Result}'s NLL arrays hold
   * each batch's scored values ({@link SweepBatch#scored()}).
   */
  static Result runBatches(
      CausalLm lm,
      List<SweepBatch> batches,
      HiddenStateObserver observer,
      Settings settings,
      int first,
      int of) {
    int layers = lm.config().numLayers();
    int nb = batches.size();
    long total = nb * cost(layers);
    ProgressListener progress =
        settings.progress() == null ? ProgressListener.NONE : settings.progress();
    long done = 0;
    long statesTotal = nb * (layers + 1L);
    long scored = 0;
    progress.statesScored(0, statesTotal);
    ExpertLoad load = lm.config().moe() == null ? null : new ExpertLoad(lm.config());
    try (NDManager m = lm.manager().newSubManager();
        StateStore store = new StateStore(m, settings.memoryBudget(), settings.spillDir());
        SweepAttention attention = new SweepAttention(lm, m, batches)) {
      StateStore.Slot[] base = new StateStore.Slot[nb];
      StateStore.Slot[][] variants = new StateStore.Slot[nb][layers];
      for (int b = 0; b < nb; b++) {
        try (NDManager step = m.newSubManager()) {
          NDArray h = lm.embed(step, batches.get(b).ids());
          if (observer != null) {
            observer.observe(b, 0, h.toFloatArray());
          }
          base[b] = store.newSlot();
          base[b].store(h);
        }
      }
      for (int j = 0; j < layers; j++) {
        for (int b = 0; b < nb; b++) {
          AttentionInputs att = attention.open(b);
          for (int l = 0; l < j; l++) {
            try (NDManager step = m.newSubManager()) {
              NDArray next;
              try {
                next = lm.block(j, variants[b][l].load(step), att);
              } catch (NonFiniteException e) {
                throw e.on(where(first + b, of) + " with block " + l + " removed");
              }
              variants[b][l].store(next);
            }
            progress.blockEvaluated(++done, total);
          }
          try (NDManager step = m.newSubManager()) {
            NDArray h = base[b].load(step);
            NDArray next;
            try {
              next = lm.block(j, h, att, load);
            } catch (NonFiniteException e) {
              throw e.on(where(first + b, of));
            }
            // The variant without block j keeps h_j as its state.
            variants[b][j] = store.newSlot();
            variants[b][j].store(h);
            if (observer != null) {
              observer.observe(b, j + 1, next.toFloatArray());
            }
            base[b].store(next);
          }
          progress.blockEvaluated(++done, total);
          attention.release(b);
        }
      }
      // The head runs over the baseline and every variant of a batch stacked together.
      float[][] baseline = new float[nb][];
      float[][][] pruned = new float[nb][layers][];
      for (int b = 0; b < nb; b++) {
        List<StateStore.Slot> slots = new ArrayList<>(layers + 1);
        slots.add(base[b]);
        slots.addAll(Arrays.asList(variants[b]));
        long before = scored;
        String batch = where(first + b, of);
        float[][] nll =
            StackedHead.tokenNll(
                lm,
                m,
                batches.get(b),
                slots,
                n -> progress.statesScored(before + n, statesTotal),
                k -> k == 0 ? batch : batch + " with block " + (k - 1) + " removed");
        scored += slots.size();
        baseline[b] = nll[0];
        System.arraycopy(nll, 1, pruned[b], 0, layers);
      }
      return new Result(
          baseline, pruned, done, store.spilledBytes(), load == null ? null : load.toArray());
    }
  }
}
