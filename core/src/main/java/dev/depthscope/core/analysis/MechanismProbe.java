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
 *
 * <p>It runs inside each chunk of the sweep ({@link AuditChunks}) and gives per-batch {@link
 * Partial}s, which travel with the chunk's result (journal, Spark) and are reduced in batch order
 * by {@link #reduce}, so the numbers do not depend on how the batches were grouped or where they
 * ran.
 */
public final class MechanismProbe implements PruningSweep.HiddenStateObserver {
  /**
   * What to measure.
   *
   * @param logitLens decode every h_l through the final norm and head
   * @param jacobianProbes Hutchinson probes per block and batch, 0 for no Jacobian
   * @param seed seed of the probes
   */
  public record Options(boolean logitLens, int jacobianProbes, long seed)
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

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
  private final int firstBatch;
  private final int layers;
  private final float[][] previous;
  private final LogitLens lens;
  private final double[][][] update;
  private final double[][][] input;
  private final double[][][][] probeSquares;
  private long nanos;

  /**
   * What one batch measured: per row of the batch, for each block l.
   *
   * @param update {@code [L][B]}: the squared norm of h_{l+1} - h_l
   * @param input {@code [L][B]}: the squared norm of h_l
   * @param probeSquares {@code [L][K][B]}: each probe's squared Jacobian deviation, or null without
   *     probes
   * @param lens the logit lens's part, or null without it
   * @param entriesPerRow T x D, the inputs of one row (the identity's {@code ||I||_F^2})
   * @param seconds time spent measuring (not a metric)
   */
  public record Partial(
      double[][] update,
      double[][] input,
      double[][][] probeSquares,
      LogitLens.Partial lens,
      double entriesPerRow,
      double seconds)
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    int rows() {
      return update[0].length;
    }
  }

  /**
   * A probe over {@code batches} of {@code lm}, fed their baseline states h_0..h_L in order; they
   * are batches {@code firstBatch ..} of the audit's NLL batches (the probes' seeds follow the
   * audit's batch numbers, so a chunk measures what the whole audit would).
   */
  public MechanismProbe(CausalLm lm, List<long[][]> batches, Options opt, int firstBatch) {
    this.lm = lm;
    this.batches = batches;
    this.opt = opt;
    this.firstBatch = firstBatch;
    this.layers = lm.config().numLayers();
    int nb = batches.size();
    this.previous = new float[nb][];
    this.lens = opt.logitLens() ? new LogitLens(lm, batches) : null;
    this.update = new double[nb][layers][];
    this.input = new double[nb][layers][];
    this.probeSquares = opt.jacobianProbes() > 0 ? new double[nb][layers][][] : null;
    for (int b = 0; b < nb; b++) {
      for (int l = 0; l < layers; l++) {
        update[b][l] = new double[batches.get(b).length];
        input[b][l] = new double[batches.get(b).length];
      }
    }
  }

  @Override
  public void observe(int batch, int layer, float[] hidden) {
    long t0 = System.nanoTime();
    if (lens != null) {
      lens.observe(batch, layer, hidden);
    }
    if (layer > 0) {
      block(batch, layer - 1, previous[batch], hidden);
    }
    previous[batch] = layer < layers ? hidden : null;
    nanos += System.nanoTime() - t0;
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
      update[batch][l][r] = u;
      input[batch][l][r] = x;
    }
    int k = opt.jacobianProbes();
    if (k == 0) {
      return;
    }
    try (NDManager m = lm.manager().newSubManager();
        AttentionInputs att = lm.attentionInputs(m, ids[0].length)) {
      NDArray x = m.create(h, new Shape(b, ids[0].length, lm.config().hiddenSize()));
      probeSquares[batch][l] =
          JacobianProbe.measure(v -> lm.block(l, v, att), x, k, probeSeed(l, firstBatch + batch))
              .probeSquares();
    }
  }

  private long probeSeed(int layer, int batch) {
    return opt.seed() * 1_000_003L + layer * 65_537L + batch;
  }

  /** Each batch's measurements, once the sweep has run over all of them. */
  public List<Partial> partials() {
    List<Partial> out = new ArrayList<>();
    double each = nanos / 1e9 / Math.max(1, batches.size());
    for (int b = 0; b < batches.size(); b++) {
      long[][] ids = batches.get(b);
      out.add(
          new Partial(
              update[b],
              input[b],
              probeSquares == null ? null : probeSquares[b],
              lens == null ? null : lens.partial(b),
              (double) ids[0].length * lm.config().hiddenSize(),
              each));
    }
    return out;
  }

  /** The measurements of a run that measured with {@code opt} on a model with {@code moe}. */
  public static MechanismResult reduce(Options opt, boolean moe, List<Partial> parts) {
    int layers = parts.get(0).update().length;
    int rows = parts.stream().mapToInt(Partial::rows).sum();
    double[][] update = new double[layers][rows];
    double[][] input = new double[layers][rows];
    int k = opt.jacobianProbes();
    double[][] probeMean = k > 0 ? new double[layers][rows] : null;
    double[][] probeTotals = k > 0 ? new double[layers][k] : null;
    double[] entries = new double[rows];
    int row = 0;
    for (Partial p : parts) {
      int n = p.rows();
      Arrays.fill(entries, row, row + n, p.entriesPerRow());
      for (int l = 0; l < layers; l++) {
        System.arraycopy(p.update()[l], 0, update[l], row, n);
        System.arraycopy(p.input()[l], 0, input[l], row, n);
        for (int q = 0; q < k; q++) {
          for (int r = 0; r < n; r++) {
            probeMean[l][row + r] += p.probeSquares()[l][q][r] / k;
            probeTotals[l][q] += p.probeSquares()[l][q][r];
          }
        }
      }
      row += n;
    }
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
      rse = k > 1 ? new double[layers] : null;
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
    LogitLens.Result lens =
        opt.logitLens() ? LogitLens.reduce(parts.stream().map(Partial::lens).toList()) : null;
    return new MechanismResult(
        probeMean == null ? null : k,
        probeMean == null ? null : opt.seed(),
        dev,
        devCi,
        rse,
        probeMean == null ? null : moe,
        rel,
        relCi,
        lens == null ? null : lens.nll(),
        lens == null ? null : lens.top1Agreement());
  }

  /** Seconds the partials spent measuring. */
  static double seconds(List<Partial> parts) {
    return parts.stream().mapToDouble(Partial::seconds).sum();
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
