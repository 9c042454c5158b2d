package dev.depthscope.core.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.depthscope.core.model.CausalLm;
import java.util.Arrays;
import java.util.List;

/**
 * The logit lens: every baseline hidden state h_l (l = 0..L) decoded by the final norm and the LM
 * head as if the model ended there. Per layer it keeps the summed next-token NLL of each sequence
 * (so {@code nll[L]} is the audit's {@code baseline_nll}, summed the same way) and how many
 * positions predict the same argmax token as the full model. Fed h_l batch by batch through {@link
 * #observe}, in any batch order but increasing l per batch (the pruning sweep's order); only the
 * argmax tokens of a batch are kept until its h_L arrives.
 */
public final class LogitLens {
  private final CausalLm lm;
  private final List<long[][]> batches;
  private final int layers;
  private final int[] firstRow;
  private final double[][] rowNll;
  private final long[] agree;
  private final int[][][] top1;
  private long positions;

  /** A lens over {@code batches} (rectangles of token ids) of {@code lm}. */
  public LogitLens(CausalLm lm, List<long[][]> batches) {
    this.lm = lm;
    this.batches = batches;
    this.layers = lm.config().numLayers();
    this.firstRow = new int[batches.size() + 1];
    for (int b = 0; b < batches.size(); b++) {
      firstRow[b + 1] = firstRow[b] + batches.get(b).length;
    }
    this.rowNll = new double[layers + 1][firstRow[batches.size()]];
    this.agree = new long[layers + 1];
    this.top1 = new int[batches.size()][layers + 1][];
  }

  /** Decodes h_{@code layer} of batch {@code batch} ({@code [B, T, D]} flat). */
  public void observe(int batch, int layer, float[] hidden) {
    long[][] ids = batches.get(batch);
    int t = ids[0].length;
    CausalLm.Top1Output out;
    try (NDManager m = lm.manager().newSubManager()) {
      NDArray h = m.create(hidden, new Shape(ids.length, t, lm.config().hiddenSize()));
      out = lm.tokenNllTop1(h, ids);
    }
    for (int r = 0; r < ids.length; r++) {
      rowNll[layer][firstRow[batch] + r] = LayerAudit.rowSum(out.tokenNll(), r, t - 1);
    }
    top1[batch][layer] = out.top1();
    if (layer == layers) {
      int[] full = out.top1();
      for (int l = 0; l <= layers; l++) {
        int[] mine = top1[batch][l];
        for (int i = 0; i < full.length; i++) {
          agree[l] += mine[i] == full[i] ? 1 : 0;
        }
      }
      positions += full.length;
      top1[batch] = null;
    }
  }

  /** {@code [L+1]}: mean next-token NLL (nats) of each h_l decoded by the final norm and head. */
  public double[] nll() {
    double count = positions;
    double[] out = new double[layers + 1];
    for (int l = 0; l <= layers; l++) {
      out[l] = Arrays.stream(rowNll[l]).sum() / count;
    }
    return out;
  }

  /** {@code [L+1]}: the share of positions whose argmax token at h_l is the full model's. */
  public double[] top1Agreement() {
    double[] out = new double[layers + 1];
    for (int l = 0; l <= layers; l++) {
      out[l] = agree[l] / (double) positions;
    }
    return out;
  }
}
