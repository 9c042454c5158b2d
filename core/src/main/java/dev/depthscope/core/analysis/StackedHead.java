package dev.depthscope.core.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.NonFiniteException;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;
import java.util.function.LongConsumer;

/**
 * The LM head over many final states of one batch: states are stacked along the batch axis in
 * groups of up to {@link #STACK_BYTES}, so a large LM head that is read in vocabulary slices is
 * read once per group rather than once per state. Shared by the pruning sweep and the joint-removal
 * evaluation.
 */
final class StackedHead {
  private StackedHead() {}

  /** Bytes of hidden states stacked for one head call (the head's own memory is chunked). */
  static final long STACK_BYTES = 128L << 20;

  /**
   * The scored NLL ({@link SweepBatch#nll}) of every state in {@code slots} (each {@code [B, T, D]}
   * for the rows of {@code batch}), in order: {@code out[k]} holds {@link SweepBatch#scored()}
   * values, nats. The slots are emptied. {@code scored} hears the number of states done after each
   * head call. A non-finite NLL stops the run with {@code context.apply(k)} (e.g. "on batch 2 of 3
   * with block 5 removed") naming the state k it came from.
   */
  static float[][] tokenNll(
      CausalLm lm,
      NDManager m,
      SweepBatch batch,
      List<StateStore.Slot> slots,
      LongConsumer scored,
      IntFunction<String> context) {
    long perState = 4L * batch.rows() * batch.length() * lm.config().hiddenSize();
    int perGroup = (int) Math.max(1, Math.min(slots.size(), STACK_BYTES / perState));
    int per = batch.scored();
    float[][] out = new float[slots.size()][];
    for (int first = 0; first < slots.size(); first += perGroup) {
      int count = Math.min(perGroup, slots.size() - first);
      try (NDManager step = m.newSubManager()) {
        NDList states = new NDList();
        for (int k = 0; k < count; k++) {
          states.add(slots.get(first + k).load(step));
        }
        NDArray stacked = count == 1 ? states.get(0) : NDArrays.concat(states, 0);
        float[] nll;
        try {
          nll = batch.nll(lm, stacked, count);
        } catch (NonFiniteException e) {
          throw e.on(context.apply(first + e.row() / batch.rows()));
        }
        for (int k = 0; k < count; k++) {
          out[first + k] = Arrays.copyOfRange(nll, k * per, (k + 1) * per);
        }
      }
      scored.accept(first + count);
    }
    return out;
  }
}
