package dev.depthscope.core.model;

import ai.djl.ndarray.NDArray;

/**
 * The running argmax of logits computed in vocabulary slices: each slice's maximum and its first
 * index are merged into the best seen so far, a later slice winning only when strictly greater, so
 * ties go to the lowest token id as {@code torch.argmax} does.
 */
final class Top1 {
  private Top1() {}

  /**
   * Merges the argmax of {@code logits} ({@code [m, len]}, vocabulary ids {@code start..}) for
   * positions {@code r0..r0+m-1} into {@code best} (the maximum logit so far) and {@code top1}.
   */
  static void merge(NDArray logits, int start, int r0, float[] best, int[] top1) {
    float[] max = logits.max(new int[] {1}).toFloatArray();
    long[] arg = logits.argMax(1).toLongArray();
    for (int i = 0; i < max.length; i++) {
      if (max[i] > best[r0 + i]) {
        best[r0 + i] = max[i];
        top1[r0 + i] = start + (int) arg[i];
      }
    }
  }
}
