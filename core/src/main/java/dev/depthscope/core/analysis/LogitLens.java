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
  private final double[][][] rowNll;
  private final long[][] agree;
  private final int[][][] top1;
  private final long[] positions;

  /**
   * One batch's part.
   *
   * @param rowNll {@code [L+1][B]}: each row's summed next-token NLL (nats) decoded at h_l
   * @param agree {@code [L+1]}: positions whose argmax at h_l is the full model's
   * @param positions positions of the batch
   */
  public record Partial(double[][] rowNll, long[] agree, long positions)
      implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * The lens over all batches.
   *
   * @param nll {@code [L+1]}: mean next-token NLL (nats) of each h_l decoded by the final norm and
   *     head
   * @param top1Agreement {@code [L+1]}: the share of positions whose argmax token at h_l is the
   *     full model's
   */
  public record Result(double[] nll, double[] top1Agreement) {}

  /** A lens over {@code batches} (rectangles of token ids) of {@code lm}. */
  public LogitLens(CausalLm lm, List<long[][]> batches) {
    this.lm = lm;
    this.batches = batches;
    this.layers = lm.config().numLayers();
    int nb = batches.size();
    this.rowNll = new double[nb][layers + 1][];
    this.agree = new long[nb][layers + 1];
    this.top1 = new int[nb][layers + 1][];
    this.positions = new long[nb];
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
    rowNll[batch][layer] = new double[ids.length];
    for (int r = 0; r < ids.length; r++) {
      rowNll[batch][layer][r] = LayerAudit.rowSum(out.tokenNll(), r, t - 1);
    }
    top1[batch][layer] = out.top1();
    if (layer == layers) {
      int[] full = out.top1();
      for (int l = 0; l <= layers; l++) {
        int[] mine = top1[batch][l];
        for (int i = 0; i < full.length; i++) {
          agree[batch][l] += mine[i] == full[i] ? 1 : 0;
        }
      }
      positions[batch] = full.length;
      top1[batch] = null;
    }
  }

  /** Batch {@code b}'s part, once its h_L was decoded. */
  public Partial partial(int b) {
    return new Partial(rowNll[b], agree[b], positions[b]);
  }

  /** The lens over the batches of {@code parts}, in batch order. */
  public static Result reduce(List<Partial> parts) {
    int levels = parts.get(0).agree().length;
    double count = 0;
    long[] agree = new long[levels];
    for (Partial p : parts) {
      count += p.positions();
      for (int l = 0; l < levels; l++) {
        agree[l] += p.agree()[l];
      }
    }
    double[] nll = new double[levels];
    double[] top1 = new double[levels];
    for (int l = 0; l < levels; l++) {
      int level = l;
      nll[l] = parts.stream().flatMapToDouble(p -> Arrays.stream(p.rowNll()[level])).sum() / count;
      top1[l] = agree[l] / count;
    }
    return new Result(nll, top1);
  }
}
