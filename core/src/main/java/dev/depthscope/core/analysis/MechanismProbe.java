package dev.depthscope.core.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Measures the mechanism ({@link MechanismResult}) from the baseline hidden states of the pruning
 * sweep: as the sweep's observer it sees h_{l+1} of a batch right after block l ran on it, so it
 * still holds h_l and block l is the block in memory (in streaming mode too, no block is loaded
 * twice). From the pair it sums the update norm; with Jacobian probes on, it runs block l on h_l
 * once more under autograd ({@link JacobianProbe}); with the logit lens on, it decodes every h_l
 * ({@link LogitLens}). It keeps one layer of states of every batch.
 */
public final class MechanismProbe implements PruningSweep.HiddenStateObserver {
  /**
   * What to measure.
   *
   * @param logitLens decode every h_l through the final norm and head
   * @param jacobianProbes Hutchinson probes per block and batch, 0 for no Jacobian
   * @param seed seed of the probes
   */
  public record Options(boolean logitLens, int jacobianProbes, long seed) {
    /** The probe seed when none is given. */
    public static final long DEFAULT_SEED = 20250207L;

    /**
     * What an audit measures unless told otherwise: only the update norms (free). The logit lens is
     * off by default: it added 45% to an audit of the bench model (docs/MECHANISM.md).
     */
    public static final Options DEFAULT = new Options(false, 0, DEFAULT_SEED);

    /** The same options with the logit lens on or off. */
    public Options withLogitLens(boolean on) {
      return new Options(on, jacobianProbes, seed);
    }

    /** The Jacobian with {@code probes} probes on top of the logit lens setting. */
    public Options withJacobian(int probes) {
      return new Options(logitLens, probes, seed);
    }

    public Options {
      if (jacobianProbes < 0) {
        throw new IllegalArgumentException("--jacobian-probes must be >= 1, got " + jacobianProbes);
      }
    }

    /** Whether anything beyond the update norm is measured. */
    boolean any() {
      return logitLens || jacobianProbes > 0;
    }
  }

  private final CausalLm lm;
  private final List<long[][]> batches;
  private final Options opt;
  private final int layers;
  private final int rows;
  private final int[] firstRow;
  private final float[][] previous;
  private final LogitLens lens;
  private final double[][] update;
  private final double[][] input;
  private final double[][] probeMean;
  private final double[][] probeTotals;
  private final double[] entries;

  /** A probe over {@code batches} of {@code lm}, fed their baseline states h_0..h_L in order. */
  public MechanismProbe(CausalLm lm, List<long[][]> batches, Options opt) {
    this.lm = lm;
    this.batches = batches;
    this.opt = opt;
    this.layers = lm.config().numLayers();
    this.firstRow = new int[batches.size() + 1];
    for (int b = 0; b < batches.size(); b++) {
      firstRow[b + 1] = firstRow[b] + batches.get(b).length;
    }
    this.rows = firstRow[batches.size()];
    this.previous = new float[batches.size()][];
    this.lens = opt.logitLens() ? new LogitLens(lm, batches) : null;
    this.update = new double[layers][rows];
    this.input = new double[layers][rows];
    this.probeMean = opt.jacobianProbes() > 0 ? new double[layers][rows] : null;
    this.probeTotals = opt.jacobianProbes() > 0 ? new double[layers][opt.jacobianProbes()] : null;
    this.entries = new double[rows];
    for (int b = 0; b < batches.size(); b++) {
      long[][] ids = batches.get(b);
      Arrays.fill(
          entries, firstRow[b], firstRow[b + 1], (double) ids[0].length * lm.config().hiddenSize());
    }
  }

  @Override
  public void observe(int batch, int layer, float[] hidden) {
    if (lens != null) {
      lens.observe(batch, layer, hidden);
    }
    if (layer > 0) {
      block(batch, layer - 1, previous[batch], hidden);
    }
    previous[batch] = layer < layers ? hidden : null;
  }

  private void block(int batch, int l, float[] h, float[] out) {
    long[][] ids = batches.get(batch);
    int b = ids.length;
    int perRow = h.length / b;
    for (int r = 0; r < b; r++) {
      double u = 0;
      double x = 0;
      for (int i = r * perRow, end = i + perRow; i < end; i++) {
        double d = (double) out[i] - h[i];
        u += d * d;
        x += (double) h[i] * h[i];
      }
      update[l][firstRow[batch] + r] = u;
      input[l][firstRow[batch] + r] = x;
    }
    int k = opt.jacobianProbes();
    if (k == 0) {
      return;
    }
    JacobianProbe.Batch est;
    try (NDManager m = lm.manager().newSubManager();
        AttentionInputs att = lm.attentionInputs(m, ids[0].length)) {
      NDArray x = m.create(h, new Shape(b, ids[0].length, lm.config().hiddenSize()));
      est = JacobianProbe.measure(v -> lm.block(l, v, att), x, k, probeSeed(l, batch));
    }
    for (int p = 0; p < k; p++) {
      for (int r = 0; r < b; r++) {
        probeMean[l][firstRow[batch] + r] += est.probeSquares()[p][r] / k;
        probeTotals[l][p] += est.probeSquares()[p][r];
      }
    }
  }

  private long probeSeed(int layer, int batch) {
    return opt.seed() * 1_000_003L + layer * 65_537L + batch;
  }

  /** The measurements, once the sweep has run. */
  public MechanismResult result() {
    double[] rel = new double[layers];
    List<double[]> relCi = rows >= AuditIntervals.MIN_UNITS ? new ArrayList<>() : null;
    for (int l = 0; l < layers; l++) {
      rel[l] = Math.sqrt(sum(update[l]) / sum(input[l]));
      if (relCi != null) {
        relCi.add(sqrt(Bootstrap.ratioInterval(update[l], input[l])));
      }
    }
    double[] dev = null;
    double[] rse = null;
    List<double[]> devCi = null;
    if (probeMean != null) {
      dev = new double[layers];
      rse = opt.jacobianProbes() > 1 ? new double[layers] : null;
      devCi = rows >= AuditIntervals.MIN_UNITS ? new ArrayList<>() : null;
      for (int l = 0; l < layers; l++) {
        dev[l] = Math.sqrt(sum(probeMean[l]) / sum(entries));
        if (devCi != null) {
          devCi.add(sqrt(Bootstrap.ratioInterval(probeMean[l], entries)));
        }
        if (rse != null) {
          rse[l] = relativeSe(probeTotals[l]);
        }
      }
    }
    return new MechanismResult(
        probeMean == null ? null : opt.jacobianProbes(),
        probeMean == null ? null : opt.seed(),
        dev,
        devCi,
        rse,
        probeMean == null ? null : lm.config().moe() != null,
        rel,
        relCi,
        lens == null ? null : lens.nll(),
        lens == null ? null : lens.top1Agreement());
  }

  /**
   * The relative standard error of {@code sqrt(mean(totals))} from K probe totals: half that of the
   * mean (the delta method for a square root).
   */
  static double relativeSe(double[] totals) {
    int k = totals.length;
    double mean = sum(totals) / k;
    double ss = 0;
    for (double t : totals) {
      ss += (t - mean) * (t - mean);
    }
    return 0.5 * Math.sqrt(ss / (k - 1) / k) / mean;
  }

  private static double sum(double[] x) {
    return Arrays.stream(x).sum();
  }

  private static double[] sqrt(Bootstrap.Interval i) {
    return new double[] {Math.sqrt(i.low()), Math.sqrt(i.high())};
  }
}
