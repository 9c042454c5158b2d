package dev.depthscope.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.depthscope.core.config.ModelConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * What every block's attention needs for one sequence length: the RoPE cos/sin tables {@code [T,
 * head_dim]} and an additive mask {@code [T, T]} per distinct sliding window (0 = causal). A query
 * at position q may attend to key k when {@code k <= q} and, with window w, {@code k > q - w}
 * (transformers' {@code sliding_window_overlay}).
 */
public final class AttentionInputs implements AutoCloseable {
  private final NDManager manager;
  private final NDArray cos;
  private final NDArray sin;
  private final Map<Integer, NDArray> masks = new HashMap<>();
  private final int seqLen;

  /** Builds the tables and masks for {@code config} and sequences of {@code seqLen} tokens. */
  public AttentionInputs(NDManager parent, ModelConfig config, int seqLen) {
    if ((long) seqLen * seqLen > Integer.MAX_VALUE - 8) {
      // The mask is one [T, T] array; past this its index would overflow.
      throw new IllegalArgumentException(
          "sequences of "
              + seqLen
              + " tokens need an attention mask of "
              + seqLen
              + "^2 values, more than one array holds (at most 46340 tokens)");
    }
    this.manager = parent.newSubManager();
    this.seqLen = seqLen;
    RotaryEmbedding rope = RotaryEmbedding.of(config, seqLen);
    float[][] t = rope.tables(seqLen);
    int width = 2 * rope.invFreq().length;
    this.cos = manager.create(t[0], new Shape(seqLen, width));
    this.sin = manager.create(t[1], new Shape(seqLen, width));
    for (int w : config.slidingWindows()) {
      masks.computeIfAbsent(w, this::buildMask);
    }
  }

  private NDArray buildMask(int window) {
    float[] m = new float[seqLen * seqLen];
    for (int q = 0; q < seqLen; q++) {
      for (int k = 0; k < seqLen; k++) {
        boolean allowed = k <= q && (window == 0 || k > q - window);
        m[q * seqLen + k] = allowed ? 0f : Float.NEGATIVE_INFINITY;
      }
    }
    return manager.create(m, new Shape(seqLen, seqLen));
  }

  /** Cosine table {@code [T, head_dim]}. */
  public NDArray cos() {
    return cos;
  }

  /** Sine table {@code [T, head_dim]}. */
  public NDArray sin() {
    return sin;
  }

  /** The additive mask for a layer with sliding window {@code window} (0 = full causal). */
  public NDArray maskFor(int window) {
    return masks.get(window);
  }

  /** Sequence length T. */
  public int seqLen() {
    return seqLen;
  }

  @Override
  public void close() {
    manager.close();
  }
}
