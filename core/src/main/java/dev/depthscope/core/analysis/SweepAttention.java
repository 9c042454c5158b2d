package dev.depthscope.core.analysis;

import ai.djl.ndarray.NDManager;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The attention inputs of a sweep's batches. Causal batches of one length share one set, kept for
 * the whole sweep. A packed batch's masks are its own ({@code [B, T, T]} per window, which summed
 * over all batches of a large question file would outgrow the states themselves), so they are built
 * when the batch reaches a block and freed when it leaves: once per block and batch, shared by all
 * the variants that run the batch through that block.
 */
final class SweepAttention implements AutoCloseable {
  private final CausalLm lm;
  private final NDManager manager;
  private final List<SweepBatch> batches;
  private final Map<Integer, AttentionInputs> byLength = new HashMap<>();
  private final Map<Integer, AttentionInputs> packed = new HashMap<>();

  SweepAttention(CausalLm lm, NDManager manager, List<SweepBatch> batches) {
    this.lm = lm;
    this.manager = manager;
    this.batches = batches;
  }

  /** The inputs of batch {@code b}, built if they are not held. */
  AttentionInputs open(int b) {
    SweepBatch batch = batches.get(b);
    if (batch.packed()) {
      return packed.computeIfAbsent(b, k -> batch.attention(lm, manager));
    }
    return byLength.computeIfAbsent(batch.length(), t -> batch.attention(lm, manager));
  }

  /** Frees batch {@code b}'s inputs if they are its own. */
  void release(int b) {
    AttentionInputs att = packed.remove(b);
    if (att != null) {
      att.close();
    }
  }

  @Override
  public void close() {
    byLength.values().forEach(AttentionInputs::close);
    packed.values().forEach(AttentionInputs::close);
  }
}
