package dev.depthscope.core.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.PackedLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * One batch a sweep runs ({@link PruningSweep}, {@link JointRemoval}): its token rows, how they
 * attend and which next-token NLLs it scores. A causal batch (text windows) attends causally and
 * scores every next token, {@code [B * (T - 1)]} values row by row. A packed batch (multiple-choice
 * questions, {@link McBatches}) holds a shared prefix and several branches per row ({@link
 * PackedLayout}) and scores only the entries it lists: {@code target[k]} at flat position {@code
 * index[k]} of the {@code [B, T]} positions.
 *
 * @param ids {@code [B][T]} token ids
 * @param layout positions and branches of a packed batch, or null for a causal one
 * @param index flat positions scored (packed batches only, else null)
 * @param target the token scored at each of them (packed batches only, else null)
 */
record SweepBatch(long[][] ids, PackedLayout layout, long[] index, long[] target) {
  /** A causal batch of {@code ids}. */
  static SweepBatch causal(long[][] ids) {
    return new SweepBatch(ids, null, null, null);
  }

  /** Causal batches of each of {@code batches}. */
  static List<SweepBatch> causal(List<long[][]> batches) {
    List<SweepBatch> out = new ArrayList<>(batches.size());
    batches.forEach(b -> out.add(causal(b)));
    return out;
  }

  /** Rows B. */
  int rows() {
    return ids.length;
  }

  /** Tokens per row T. */
  int length() {
    return ids[0].length;
  }

  /** Whether the rows are packed (their attention is built per batch, not per length). */
  boolean packed() {
    return layout != null;
  }

  /** NLL values {@link #nll} gives per copy of the batch. */
  int scored() {
    return packed() ? index.length : rows() * (length() - 1);
  }

  /** The attention inputs of a packed batch (a causal batch shares those of its length). */
  AttentionInputs attention(CausalLm lm, NDManager m) {
    return packed() ? lm.attentionInputs(m, layout) : lm.attentionInputs(m, length());
  }

  /**
   * The scored NLL (nats) of {@code copies} copies of this batch's final states stacked along the
   * batch axis ({@code h [copies * B, T, D]}): {@link #scored()} values per copy, copy after copy.
   */
  float[] nll(CausalLm lm, NDArray h, int copies) {
    if (!packed()) {
      long[][] stacked = new long[copies * rows()][];
      for (int k = 0; k < copies; k++) {
        System.arraycopy(ids, 0, stacked, k * rows(), rows());
      }
      return lm.tokenNll(h, stacked);
    }
    long perCopy = (long) rows() * length();
    long[] idx = new long[copies * index.length];
    long[] tgt = new long[idx.length];
    for (int k = 0; k < copies; k++) {
      for (int e = 0; e < index.length; e++) {
        idx[k * index.length + e] = index[e] + k * perCopy;
        tgt[k * index.length + e] = target[e];
      }
    }
    return lm.nllAt(h, idx, tgt);
  }
}
