package dev.depthscope.cli;

import dev.depthscope.core.analysis.LayerAudit;
import dev.depthscope.core.analysis.McPacking;
import dev.depthscope.core.config.ModelConfig;
import dev.depthscope.core.model.MemoryEstimate;
import java.lang.management.ManagementFactory;

/**
 * Refuses {@code --batch} and {@code --seq-len} whose forward batch cannot be held, before any
 * block runs: a hidden state {@code [B, T, D]} is one Java array (at most 2^31 - 1 elements), and
 * one block's transient activations (the attention scores grow with {@code B T^2}) must fit in the
 * machine's physical memory. B is the rows a batch really gets (at most the rows there are), T the
 * longest row, so a large {@code --batch} over few rows is fine.
 */
final class BatchLimits {
  /** The largest Java array. */
  private static final long MAX_ELEMENTS = Integer.MAX_VALUE - 8;

  private BatchLimits() {}

  /** Checks the batches {@code --batch batch} makes of {@code in} for model {@code c}. */
  static void check(ModelConfig c, LayerAudit.Inputs in, int batch) {
    if (in.rows() != null) {
      String length = in.source().startsWith("text:") ? "--seq-len" : "--token-ids rows of";
      check(c, Math.min(batch, in.rows().length), in.rows()[0].length, length);
    }
    if (in.mc() != null) {
      // A question's choices share one packed row: its context, then every choice's tokens.
      int questions = in.mc().questions().size();
      int longest = McPacking.longestRow(in.mc());
      check(c, Math.min(batch, questions), longest, "the longest --mc question's packed row of");
    }
  }

  private static void check(ModelConfig c, int rows, int tokens, String length) {
    String shape = "--batch " + rows + " x " + length + " " + tokens + " tokens";
    long d = c.hiddenSize();
    if ((double) rows * tokens * d > MAX_ELEMENTS || (double) tokens * tokens > MAX_ELEMENTS) {
      throw new IllegalArgumentException(
          shape
              + " makes a hidden state or attention mask of more than 2^31 values, more than one"
              + " array holds; lower --batch or --seq-len");
    }
    long need = MemoryEstimate.of(c, rows, tokens).blockActivationBytes();
    long total = physicalMemory();
    if (total > 0 && need > total) {
      throw new IllegalArgumentException(
          shape
              + " needs about "
              + MemoryEstimate.human(need)
              + " for one block's activations, more than this machine's "
              + MemoryEstimate.human(total)
              + " of memory; lower --batch or --seq-len");
    }
  }

  private static long physicalMemory() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getTotalMemorySize();
    }
    return 0;
  }
}
