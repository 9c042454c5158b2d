package dev.depthscope.core.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import java.util.List;

/**
 * The per-unit raw material of a norm-scheme comparison, from one forward pass per evaluation
 * batch: what each batch and each sequence contributes to the eval loss, to the variance growth and
 * to the cost of removing the deep half of the model. Keeping the per-unit sums (rather than only
 * the means) is what lets {@link SchemeComparison} put a bootstrap interval on every figure.
 *
 * <p>The deep half is blocks {@code first = (L + 1) / 2} .. {@code L - 1} (the half the verdict
 * calls "deeper"). Removing all of them together sets {@code h_L := h_first}, so its NLL is the LM
 * head applied to {@code h_first}: measured jointly, in the same pass, not summed from single
 * removals.
 *
 * @param layers L
 * @param deepHalfFirst the first block of the deep half
 * @param batchLoss per evaluation batch, the mean next-token NLL (nats): the trainer's eval loss is
 *     their mean
 * @param batchOfSequence per sequence, the index of its batch
 * @param tokens per sequence, the predicted tokens (T - 1)
 * @param baseNll per sequence, the summed next-token NLL of the whole model (nats)
 * @param deepHalfNll per sequence, the same with the deep half removed
 * @param varianceFirst per sequence, the summed over positions variance over the hidden dimension
 *     of h_1 (the output of block 0)
 * @param varianceLast the same for h_L
 * @param jacobianSquares per sequence, summed over the deep-half blocks, the probe average of
 *     {@code ||((J_l - I)^T v)_row||^2} ({@link JacobianProbe}): an unbiased estimate of the row's
 *     {@code sum_l ||J_l - I||_F^2}; null when not measured
 * @param jacobianEntries per sequence, the identity's {@code ||I||_F^2} summed over the same blocks
 *     (blocks x T x D); null when not measured
 * @param jacobianProbes Hutchinson probes per block and batch (0 when not measured)
 */
public record DepthMeasures(
    int layers,
    int deepHalfFirst,
    double[] batchLoss,
    int[] batchOfSequence,
    double[] tokens,
    double[] baseNll,
    double[] deepHalfNll,
    double[] varianceFirst,
    double[] varianceLast,
    double[] jacobianSquares,
    double[] jacobianEntries,
    int jacobianProbes) {

  /** The first block of the deep half of an L-block model. */
  public static int deepHalfFirst(int layers) {
    return (layers + 1) / 2;
  }

  /** Without the Jacobian. */
  public static DepthMeasures measure(CausalLm lm, List<long[][]> batches) {
    return measure(lm, batches, 0);
  }

  /**
   * Measures {@code lm} on {@code batches} (each a rectangle {@code [B, T]}, T >= 2), with {@code
   * probes} Hutchinson probes per deep-half block and batch for the Jacobian deviation (0 for
   * none). The probes of block l and batch b are drawn from the seed the audit's {@code --jacobian}
   * uses ({@link MechanismProbe.Options#DEFAULT_SEED}), so on the same batches each block's figure
   * is the audit's {@code jacobian_deviation[l]}.
   */
  public static DepthMeasures measure(CausalLm lm, List<long[][]> batches, int probes) {
    int layers = lm.config().numLayers();
    int first = deepHalfFirst(layers);
    int sequences = batches.stream().mapToInt(b -> b.length).sum();
    double[] batchLoss = new double[batches.size()];
    int[] batchOf = new int[sequences];
    double[] tokens = new double[sequences];
    double[] base = new double[sequences];
    double[] deep = new double[sequences];
    double[] varFirst = new double[sequences];
    double[] varLast = new double[sequences];
    double[] jac = probes > 0 ? new double[sequences] : null;
    double[] entries = probes > 0 ? new double[sequences] : null;
    int d = lm.config().hiddenSize();
    int row = 0;
    try (NDManager m = lm.manager().newSubManager()) {
      for (int b = 0; b < batches.size(); b++) {
        long[][] ids = batches.get(b);
        int t = ids[0].length;
        try (NDManager step = m.newSubManager()) {
          AttentionInputs att = lm.attentionInputs(step, t);
          NDArray h = lm.embed(step, ids);
          NDArray atFirst = null;
          for (int j = 0; j < layers; j++) {
            if (probes > 0 && j >= first) {
              int block = j;
              JacobianProbe.Batch est =
                  JacobianProbe.measure(
                      v -> lm.block(block, v, att), h, probes, probeSeed(block, b));
              for (int i = 0; i < ids.length; i++) {
                for (int k = 0; k < probes; k++) {
                  jac[row + i] += est.probeSquares()[k][i] / probes;
                }
                entries[row + i] += est.entriesPerRow();
              }
            }
            h = lm.block(j, h, att);
            if (j == 0) {
              addVariance(h.toFloatArray(), t, d, varFirst, row);
            }
            if (j + 1 == first) {
              atFirst = h;
            }
          }
          addVariance(h.toFloatArray(), t, d, varLast, row);
          float[] full = lm.tokenNll(h, ids);
          float[] cut = lm.tokenNll(atFirst == null ? h : atFirst, ids);
          double batchSum = 0;
          for (int i = 0; i < ids.length; i++) {
            batchOf[row + i] = b;
            tokens[row + i] = t - 1;
            base[row + i] = LayerAudit.rowSum(full, i, t - 1);
            deep[row + i] = LayerAudit.rowSum(cut, i, t - 1);
            batchSum += base[row + i];
          }
          batchLoss[b] = batchSum / ((double) ids.length * (t - 1));
        }
        row += ids.length;
      }
    }
    return new DepthMeasures(
        layers, first, batchLoss, batchOf, tokens, base, deep, varFirst, varLast, jac, entries,
        probes);
  }

  /** The seed of block l's probes on batch b, as the audit's mechanism probe draws them. */
  static long probeSeed(int layer, int batch) {
    return MechanismProbe.Options.DEFAULT_SEED * 1_000_003L + layer * 65_537L + batch;
  }

  /** Adds, per sequence of a {@code [B, T, D]} state, the summed per-position variance. */
  private static void addVariance(float[] h, int t, int d, double[] into, int row) {
    int batch = h.length / (t * d);
    for (int i = 0; i < batch; i++) {
      double s = 0;
      for (int p = 0; p < t; p++) {
        s += HiddenStateMetrics.positionVariance(h, (i * t + p) * d, d);
      }
      into[row + i] += s;
    }
  }

  /** Mean next-token NLL over all batches (equal batches: the mean of the batch means). */
  public double evalLoss() {
    return sum(baseNll) / sum(tokens);
  }

  /** Variance of h_L over variance of h_1, over all positions. */
  public double varianceGrowth() {
    return sum(varianceLast) / sum(varianceFirst);
  }

  /** Joint NLL increase when the deep half is removed (nats per token). */
  public double deepHalfDelta() {
    return (sum(deepHalfNll) - sum(baseNll)) / sum(tokens);
  }

  /**
   * The Jacobian deviation of the deep half: {@code sqrt(sum_l ||J_l - I||_F^2 / sum_l ||I||_F^2)}
   * over its blocks, the root mean square of their {@code jacobian_deviation}; NaN if not measured.
   */
  public double deepHalfJacobianDeviation() {
    return jacobianSquares == null
        ? Double.NaN
        : Math.sqrt(sum(jacobianSquares) / sum(jacobianEntries));
  }

  static double sum(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return s;
  }
}
