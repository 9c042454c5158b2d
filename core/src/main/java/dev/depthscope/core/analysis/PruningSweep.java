package dev.depthscope.core.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;

/**
 * One baseline pass plus the L "block removed" variants, run block-major so each block's weights
 * are used once per batch: at block j the baseline stream advances ({@code h_{j+1} = B_j(h_j)}),
 * the variant without block j is born as a copy of {@code h_j} (removing block j cannot change h_0
 * .. h_j, so nothing before it is recomputed), and every older variant advances through block j.
 * That costs {@code L + L(L-1)/2 = L(L+1)/2} block evaluations instead of the {@code L^2} of L
 * separate full passes.
 */
public final class PruningSweep {
  private PruningSweep() {}

  /** Receives each baseline hidden state h_l {@code [B, T, D]} as it is computed. */
  @FunctionalInterface
  public interface HiddenStateObserver {
    /** Called for l = 0..L in order. */
    void observe(int layer, float[] hidden);
  }

  /** Receives progress: {@code done} of {@code total} block evaluations. */
  @FunctionalInterface
  public interface ProgressListener {
    /** Called after each block evaluation. */
    void blockEvaluated(long done, long total);

    /** A listener that ignores progress. */
    ProgressListener NONE = (done, total) -> {};
  }

  /**
   * Per-position NLL of the baseline and of every variant, for one batch.
   *
   * @param baseline {@code [B * (T-1)]} next-token NLL (nats), row-major
   * @param pruned {@code pruned[l]}: the same with block l replaced by the identity
   * @param blockEvaluations blocks run for this batch
   */
  public record Result(float[] baseline, float[][] pruned, long blockEvaluations) {}

  /** Block evaluations one batch costs for a model of {@code layers} blocks. */
  public static long cost(int layers) {
    return (long) layers * (layers + 1) / 2;
  }

  /**
   * Runs the sweep on one rectangular batch {@code ids [B, T]}.
   *
   * @param observer receives h_0..h_L of the baseline (may be null)
   * @param progress receives block-evaluation counts (offset by {@code doneBefore})
   */
  public static Result run(
      CausalLm lm,
      long[][] ids,
      HiddenStateObserver observer,
      ProgressListener progress,
      long doneBefore,
      long total) {
    int layers = lm.config().numLayers();
    NDArray[] variants = new NDArray[layers];
    long evals = 0;
    try (NDManager m = lm.manager().newSubManager();
        AttentionInputs att = lm.attentionInputs(m, ids[0].length)) {
      NDArray h = lm.embed(m, ids);
      if (observer != null) {
        observer.observe(0, h.toFloatArray());
      }
      for (int j = 0; j < layers; j++) {
        for (int l = 0; l < j; l++) {
          NDArray next = lm.block(j, variants[l], att);
          variants[l].close();
          variants[l] = next;
          evals++;
          progress.blockEvaluated(doneBefore + evals, total);
        }
        variants[j] = h; // the variant without block j skips it: its state stays h_j
        h = lm.block(j, h, att);
        evals++;
        progress.blockEvaluated(doneBefore + evals, total);
        if (observer != null) {
          observer.observe(j + 1, h.toFloatArray());
        }
      }
      float[] baseline = lm.head(h, ids).tokenNll();
      float[][] pruned = new float[layers][];
      for (int l = 0; l < layers; l++) {
        pruned[l] = lm.head(variants[l], ids).tokenNll();
        variants[l].close();
      }
      return new Result(baseline, pruned, evals);
    }
  }
}
