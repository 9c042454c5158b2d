package dev.depthscope.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import dev.depthscope.core.checkpoint.Checkpoint;
import dev.depthscope.core.config.ModelConfig;

/**
 * The final norm and the LM head of a {@link CausalLm}: log-probabilities of target tokens at every
 * next-token position or at chosen ones. The vocabulary is processed in slices of at most {@link
 * #SLICE_BYTES} of weights (read from the checkpoint slice by slice unless the whole head fits),
 * whose log-sum-exp is merged in float64, and positions in chunks of at most {@link #CHUNK_BYTES}
 * of logits, so neither a large vocabulary nor many stacked states allocates logits for all at
 * once.
 */
final class LmHead {
  /** Upper bound on one LM-head slice in bytes; larger vocabularies are processed in slices. */
  static final long SLICE_BYTES = 256L << 20;

  /**
   * Upper bound on the logits of one chunk of positions for one head slice. Large position counts
   * (a stacked pruning sweep: tens of thousands) would otherwise allocate logits for all of them at
   * once, hundreds of MB whose fresh pages cost more than the matmul that fills them.
   */
  static final long CHUNK_BYTES = 64L << 20;

  private final ModelConfig config;
  private final Checkpoint checkpoint;
  private final WeightLoader loader;
  private final NDManager manager;
  private final String headName;
  private final boolean resident;
  private final int slice;
  private final long chunkBytes;
  private final LmHead weights;
  private NDArray finalNorm;
  private NDArray head;

  LmHead(
      ModelConfig config,
      Checkpoint checkpoint,
      WeightLoader loader,
      NDManager manager,
      String headName,
      boolean resident) {
    this(
        config,
        checkpoint,
        loader,
        manager,
        headName,
        resident,
        sliceRows(config),
        CHUNK_BYTES,
        null);
  }

  private LmHead(
      ModelConfig config,
      Checkpoint checkpoint,
      WeightLoader loader,
      NDManager manager,
      String headName,
      boolean resident,
      int slice,
      long chunkBytes,
      LmHead weights) {
    this.config = config;
    this.checkpoint = checkpoint;
    this.loader = loader;
    this.manager = manager;
    this.headName = headName;
    this.resident = resident;
    this.slice = slice;
    this.chunkBytes = chunkBytes;
    this.weights = weights == null ? this : weights;
  }

  /**
   * The same head processing {@code slice} vocabulary rows and {@code chunkBytes} of logits at once
   * (sharing this one's loaded weights), so tests can run the slicing and chunking paths on tiny
   * models.
   */
  LmHead sized(int slice, long chunkBytes) {
    return new LmHead(
        config, checkpoint, loader, manager, headName, resident, slice, chunkBytes, weights);
  }

  /** See {@link CausalLm#finalNorm(float[])}. */
  float[] finalNorm(float[] h) {
    int d = config.hiddenSize();
    try (NDManager m = manager.newSubManager()) {
      NDArray x = m.create(h, new Shape(h.length / d, d));
      return DecoderBlock.rmsNorm(x, finalNorm(), (float) config.rmsNormEps()).toFloatArray();
    }
  }

  /** Vocabulary rows of the LM head processed at once: at most {@link #SLICE_BYTES}. */
  private static int sliceRows(ModelConfig config) {
    return (int)
        Math.max(1, Math.min(config.vocabSize(), SLICE_BYTES / (4L * config.hiddenSize())));
  }

  /** Positions whose logits for one head slice take at most {@code chunkBytes}. */
  private static int chunkRows(int n, int sliceLen, long chunkBytes) {
    return (int) Math.max(1, Math.min(n, chunkBytes / (4L * sliceLen)));
  }

  /**
   * See {@link CausalLm#head(NDArray, long[][])}; fills {@code top1} ({@code [B * T]}) with each
   * position's argmax when not null.
   */
  CausalLm.HeadOutput head(NDArray hLast, long[][] ids, boolean withLogitsLast, int[] top1) {
    int b = ids.length;
    int t = ids[0].length;
    int v = config.vocabSize();
    int n = b * t;
    long[] targets = new long[n];
    for (int r = 0; r < b; r++) {
      for (int i = 0; i + 1 < t; i++) {
        targets[r * t + i] = ids[r][i + 1];
      }
    }
    float[] logitsLast = withLogitsLast ? new float[b * v] : null;
    // The last position of each row, whose logits are copied out when asked for.
    int[] lastRow = new int[n];
    java.util.Arrays.fill(lastRow, -1);
    for (int r = 0; withLogitsLast && r < b; r++) {
      lastRow[r * t + t - 1] = r;
    }
    double[] logProb;
    NDManager target = hLast.getManager();
    try (NDManager sub = target.newSubManager()) {
      hLast.tempAttach(sub);
      NDArray x = DecoderBlock.rmsNorm(hLast, finalNorm(), (float) config.rmsNormEps());
      x = x.reshape(n, config.hiddenSize());
      logProb = scan(sub, x, targets, top1, lastRow, logitsLast);
    }
    float[] nll = new float[b * (t - 1)];
    for (int r = 0; r < b; r++) {
      for (int i = 0; i + 1 < t; i++) {
        nll[r * (t - 1) + i] = (float) -logProb[r * t + i];
      }
    }
    Finite.requireNll(nll, t - 1);
    return new CausalLm.HeadOutput(nll, logitsLast);
  }

  /** See {@link CausalLm#nllAt}. */
  float[] nllAt(NDArray h, long[] index, long[] target) {
    if (index.length != target.length) {
      throw new IllegalArgumentException(
          index.length + " positions but " + target.length + " target tokens");
    }
    long t = h.getShape().get(1);
    long n = h.getShape().get(0) * t;
    double[] logProb;
    NDManager owner = h.getManager();
    try (NDManager sub = owner.newSubManager()) {
      h.tempAttach(sub);
      NDArray rows = h.reshape(n, config.hiddenSize()).get(new NDIndex("{}", sub.create(index)));
      NDArray x = DecoderBlock.rmsNorm(rows, finalNorm(), (float) config.rmsNormEps());
      int[] none = new int[index.length];
      java.util.Arrays.fill(none, -1);
      logProb = scan(sub, x, target, null, none, null);
    }
    float[] nll = new float[index.length];
    for (int k = 0; k < nll.length; k++) {
      nll[k] = (float) -logProb[k];
      if (!Float.isFinite(nll[k])) {
        throw new NonFiniteException(
            "the final norm and LM head produced a non-finite NLL ("
                + (Float.isNaN(nll[k]) ? "NaN" : "Inf")
                + ")",
            (int) (index[k] / t));
      }
    }
    return nll;
  }

  /**
   * The log-probability of {@code targets[k]} under the logits of row k of the normalized states
   * {@code x [n, D]}, over vocabulary slices of {@code slice} ids whose log-sum-exp is merged in
   * float64. Fills {@code top1} ({@code [n]}) with each row's argmax when not null, and copies row
   * k's logits to row {@code lastRow[k]} of {@code logitsLast} ({@code [*, V]}) when that is not
   * -1.
   */
  private double[] scan(
      NDManager sub, NDArray x, long[] targets, int[] top1, int[] lastRow, float[] logitsLast) {
    int n = targets.length;
    int v = config.vocabSize();
    double[] lseMax = new double[n];
    double[] lseSum = new double[n];
    java.util.Arrays.fill(lseMax, Double.NEGATIVE_INFINITY);
    double[] targetLogit = new double[n];
    float[] best = top1 == null ? null : new float[n];
    if (best != null) {
      java.util.Arrays.fill(best, Float.NEGATIVE_INFINITY);
    }
    for (int start = 0; start < v; start += slice) {
      int len = Math.min(slice, v - start);
      try (NDManager s = sub.newSubManager()) {
        NDArray w = len == v ? wholeHead() : loader.loadRows(s, headName, start, len);
        if (len != v && !resident) {
          checkpoint.releaseMappings();
        }
        // Positions go through in chunks of equal size, so the logits buffers of one chunk are
        // reused by the next instead of the allocator growing for logits of all positions.
        int rows = chunkRows(n, len, chunkBytes);
        for (int r0 = 0; r0 < n; r0 += rows) {
          int r1 = Math.min(n, rows + r0);
          try (NDManager c = s.newSubManager()) {
            NDArray xr = x.get(new NDIndex("{}:{}", r0, r1));
            xr.attach(c);
            NDArray logits = DecoderBlock.linear(xr, w, null); // [r1 - r0, len]
            slicePart(logits, start, r0, r1, targets, lseMax, lseSum, targetLogit);
            if (top1 != null) {
              Top1.merge(logits, start, r0, best, top1);
            }
            for (int k = r0; logitsLast != null && k < r1; k++) {
              if (lastRow[k] >= 0) {
                float[] values = logits.get(new NDIndex("{}, :", k - r0)).toFloatArray();
                System.arraycopy(values, 0, logitsLast, lastRow[k] * v + start, len);
              }
            }
          }
        }
      }
    }
    double[] out = new double[n];
    for (int k = 0; k < n; k++) {
      out[k] = targetLogit[k] - (lseMax[k] + Math.log(lseSum[k]));
    }
    return out;
  }

  /**
   * Folds the logits of positions r0..r1-1 over vocabulary ids start.. into the running log-sum-exp
   * (merged in float64) and picks each position's target logit if it is in the slice.
   */
  private static void slicePart(
      NDArray logits,
      int start,
      int r0,
      int r1,
      long[] targets,
      double[] lseMax,
      double[] lseSum,
      double[] targetLogit) {
    int m = r1 - r0;
    long len = logits.getShape().get(1);
    // The slice's log-sum-exp from one fused log_softmax kernel: for any column c,
    // lse = logits[:, c] - log_softmax(logits)[:, c].
    float[] first = logits.get(new NDIndex(":, 0")).toFloatArray();
    float[] firstLog = logits.logSoftmax(1).get(new NDIndex(":, 0")).toFloatArray();
    long[] local = new long[m];
    boolean[] inSlice = new boolean[m];
    for (int i = 0; i < m; i++) {
      int k = r0 + i;
      double lse = (double) first[i] - firstLog[i];
      double top = Math.max(lseMax[k], lse);
      lseSum[k] = lseSum[k] * Math.exp(lseMax[k] - top) + Math.exp(lse - top);
      lseMax[k] = top;
      long tg = targets[k] - start;
      inSlice[i] = tg >= 0 && tg < len;
      local[i] = inSlice[i] ? tg : 0;
    }
    NDArray index = logits.getManager().create(local, new Shape(m, 1));
    float[] picked = logits.gather(index, 1).toFloatArray();
    for (int i = 0; i < m; i++) {
      if (inSlice[i]) {
        targetLogit[r0 + i] = picked[i];
      }
    }
  }

  private NDArray wholeHead() {
    return weights.ownWholeHead();
  }

  private NDArray finalNorm() {
    return weights.ownFinalNorm();
  }

  private synchronized NDArray ownWholeHead() {
    if (head == null) {
      head = loader.load(manager, headName, config.vocabSize(), config.hiddenSize());
    }
    return head;
  }

  private synchronized NDArray ownFinalNorm() {
    if (finalNorm == null) {
      finalNorm = loader.load(manager, "model.norm.weight", config.hiddenSize());
    }
    return finalNorm;
  }
}
