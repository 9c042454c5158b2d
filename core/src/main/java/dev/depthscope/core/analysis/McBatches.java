package dev.depthscope.core.analysis;

import dev.depthscope.core.eval.McItems;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The multiple-choice rows (one per question and choice) in batches for a sweep or a joint pass,
 * and the per-question correctness of what such a pass scored. Rows of similar length go together,
 * so there is little padding; right padding cannot change earlier positions of a causal model, and
 * padded positions are never scored.
 */
final class McBatches {
  private final McItems items;
  private final Integer[] order;
  private final List<long[][]> batches = new ArrayList<>();
  private final List<Integer> starts = new ArrayList<>();

  McBatches(McItems items, int batchRows) {
    this.items = items;
    int n = items.rows().length;
    order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> items.rows()[i].length));
    for (int start = 0; start < n; start += batchRows) {
      int end = Math.min(n, start + batchRows);
      int len = items.rows()[order[end - 1]].length;
      long[][] batch = new long[end - start][len];
      for (int k = start; k < end; k++) {
        long[] row = items.rows()[order[k]];
        System.arraycopy(row, 0, batch[k - start], 0, row.length);
      }
      batches.add(batch);
      starts.add(start);
    }
  }

  List<long[][]> batches() {
    return batches;
  }

  /**
   * Per question, 1 when the right choice scores strictly highest, else 0, from the next-token NLL
   * {@code nll.apply(b)} ({@code [B_b * (T_b - 1)]}) of each batch b.
   */
  double[] correct(IntFunction<float[]> nll) {
    return correct(scores(0, batches.size(), nll));
  }

  /**
   * The score of every row of batches {@code first .. end} (in batch order: sorted by length), from
   * the next-token NLL {@code nll.apply(b)} of each batch b of them (b counted from {@code first}).
   */
  double[] scores(int first, int end, IntFunction<float[]> nll) {
    int from = starts.get(first);
    int to = end == batches.size() ? order.length : starts.get(end);
    double[] out = new double[to - from];
    for (int b = first; b < end; b++) {
      int per = batches.get(b)[0].length - 1;
      float[] x = nll.apply(b - first);
      for (int row = 0; row < batches.get(b).length; row++) {
        int k = starts.get(b) + row;
        out[k - from] = items.score(order[k], Arrays.copyOfRange(x, row * per, (row + 1) * per));
      }
    }
    return out;
  }

  /**
   * Per question, 1 when the right choice scores strictly highest, from every row's score in batch
   * order.
   */
  double[] correct(double[] sortedScores) {
    double[] score = new double[items.rows().length];
    for (int k = 0; k < order.length; k++) {
      score[order[k]] = sortedScores[k];
    }
    return items.correct(score);
  }
}
