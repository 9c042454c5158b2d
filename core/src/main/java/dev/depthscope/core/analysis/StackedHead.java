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
   * Next-token NLL of every state in {@code slots} (each {@code [B, T, D]} for the rows {@code ids}
   * of one batch), in order: {@code out[k]} is {@code [B * (T - 1)]}, nats. The slots are emptied.
   * {@code scored} hears the number of states done after each head call. A non-finite NLL stops the
   * run with {@code context.apply(k)} (e.g. "on batch 2 of 3 with block 5 removed") naming the
   * state k it came from.
   */
  static float[][] tokenNll(
      CausalLm lm,
      NDManager m,
      long[][] ids,
      List<StateStore.Slot> slots,
      LongConsumer scored,
      IntFunction<String> context) {
    long perState = 4L * ids.length * ids[0].length * lm.config().hiddenSize();
    int perGroup = (int) Math.max(1, Math.min(slots.size(), STACK_BYTES / perState));
    int per = ids.length * (ids[0].length - 1);
    float[][] out = new float[slots.size()][];
    for (int first = 0; first < slots.size(); first += perGroup) {
      int count = Math.min(perGroup, slots.size() - first);
      try (NDManager step = m.newSubManager()) {
        NDList states = new NDList();
        long[][] stackedIds = new long[count * ids.length][];
        for (int k = 0; k < count; k++) {
          states.add(slots.get(first + k).load(step));
          System.arraycopy(ids, 0, stackedIds, k * ids.length, ids.length);
        }
        NDArray stacked = count == 1 ? states.get(0) : NDArrays.concat(states, 0);
        float[] nll;
        try {
          nll = lm.tokenNll(stacked, stackedIds);
        } catch (NonFiniteException e) {
          throw e.on(context.apply(first + e.row() / ids.length));
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
