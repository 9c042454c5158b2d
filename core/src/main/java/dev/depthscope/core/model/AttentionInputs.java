package dev.depthscope.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.depthscope.core.config.ModelConfig;
import java.util.HashMap;
import java.util.Map;

/**
 * What every block's attention needs for one sequence length: the RoPE cos/sin tables {@code [T,
 * head_dim]} and an additive mask {@code [T, T]} per distinct sliding window (0 = causal). A query
 * at position q may attend to key k when {@code k <= q} and, with window w, {@code k > q - w}
 * (transformers' {@code sliding_window_overlay}).
 *
 * <p>For {@link PackedLayout packed rows} (one shared prefix and several branches in one row) the
 * tables are {@code [B, 1, T, head_dim]}, gathered at each token's position, and the masks {@code
 * [B, 1, T, T]}: a token sees the prefix and its own branch up to its position, which is exactly
 * what it would see at that position of an unpacked row holding the prefix and its branch alone.
 * Both shapes broadcast over the heads of {@code [B, H, T, *]} scores.
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

  /**
   * The tables and masks for the packed rows of {@code layout}. The RoPE frequencies are those of a
   * sequence one longer than the largest position (only {@code dynamic} RoPE depends on it), as for
   * an unpacked batch of that length.
   */
  public AttentionInputs(NDManager parent, ModelConfig config, PackedLayout layout) {
    int b = layout.rows();
    int t = layout.length();
    if ((long) b * t * t > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "a packed batch of "
              + b
              + " rows of "
              + t
              + " tokens needs an attention mask of more values than one array holds");
    }
    this.manager = parent.newSubManager();
    this.seqLen = t;
    int span = layout.maxPosition() + 1;
    RotaryEmbedding rope = RotaryEmbedding.of(config, span);
    float[][] table = rope.tables(span);
    int width = 2 * rope.invFreq().length;
    float[] cos = new float[b * t * width];
    float[] sin = new float[b * t * width];
    long[] pos = new long[b * t];
    long[] branch = new long[b * t];
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < t; i++) {
        int k = r * t + i;
        int p = layout.positions()[r][i];
        System.arraycopy(table[0], p * width, cos, k * width, width);
        System.arraycopy(table[1], p * width, sin, k * width, width);
        pos[k] = p;
        branch[k] = layout.branches()[r][i];
      }
    }
    this.cos = manager.create(cos, new Shape(b, 1, t, width));
    this.sin = manager.create(sin, new Shape(b, 1, t, width));
    try (NDManager work = manager.newSubManager()) {
      NDArray p = work.create(pos, new Shape(b, 1, t));
      NDArray br = work.create(branch, new Shape(b, 1, t));
      NDArray posQ = p.expandDims(3);
      NDArray posK = p.expandDims(2);
      NDArray brQ = br.expandDims(3);
      NDArray brK = br.expandDims(2);
      // Visible: an earlier-or-same position of the prefix (branch 0) or of the query's own branch.
      NDArray visible = posK.lte(posQ).logicalAnd(brK.eq(0).logicalOr(brK.eq(brQ)));
      for (int w : config.slidingWindows()) {
        if (!masks.containsKey(w)) {
          NDArray v = w == 0 ? visible : visible.logicalAnd(posQ.sub(posK).lt(w));
          // log(1) = 0 and log(0) = -inf: the additive mask in one step.
          NDArray mask = v.toType(DataType.FLOAT32, false).log();
          mask.attach(manager);
          masks.put(w, mask);
        }
      }
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

  /** Sequence length T (of the packed rows, for a packed layout). */
  public int seqLen() {
    return seqLen;
  }

  @Override
  public void close() {
    manager.close();
  }
}
