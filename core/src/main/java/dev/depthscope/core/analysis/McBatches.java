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
    for (int[] range : ranges(items, order, batchRows)) {
      int start = range[0];
      int end = range[1];
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

  /**
   * Tokens a batch may hold per {@code --batch} row: short question rows are batched by tokens, so
   * a batch of them is no larger than {@code --batch} text windows of this many tokens.
   */
  static final int TOKENS_PER_BATCH_ROW = 512;

  /** The number of batches {@code items} make (for progress totals). */
  static int count(McItems items, int batchRows) {
    Integer[] order = new Integer[items.rows().length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> items.rows()[i].length));
    return ranges(items, order, batchRows).size();
  }

  /**
   * Consecutive {@code [start, end)} ranges of the rows sorted by length: at least {@code
   * batchRows} rows each (bar the last), more while the padded batch stays within {@code batchRows
   * * TOKENS_PER_BATCH_ROW} tokens.
   */
  private static List<int[]> ranges(McItems items, Integer[] order, int batchRows) {
    long budget = (long) batchRows * TOKENS_PER_BATCH_ROW;
    List<int[]> out = new ArrayList<>();
    int n = order.length;
    int start = 0;
    while (start < n) {
      int end = start + 1;
      while (end < n) {
        long padded = (long) (end + 1 - start) * items.rows()[order[end]].length;
        if (end - start >= batchRows && padded > budget) {
          break;
        }
        end++;
      }
      out.add(new int[] {start, end});
      start = end;
    }
    return out;
  }

  List<long[][]> batches() {
    return batches;
  }

  /**
   * Per question, 1 when the right choice is the first of maximal log-likelihood (lm-eval's {@code
   * acc}), else 0, from the next-token NLL {@code nll.apply(b)} ({@code [B_b * (T_b - 1)]}) of each
   * batch b.
   */
  double[] correct(IntFunction<float[]> nll) {
    return scores(nll).acc();
  }

  /** lm-eval's per-question scores ({@link McScoring}) from the NLL of each batch. */
  McScoring.Scores scores(IntFunction<float[]> nll) {
    double[] score = new double[items.rows().length];
    for (int b = 0; b < batches.size(); b++) {
      int per = batches.get(b)[0].length - 1;
      float[] x = nll.apply(b);
      for (int row = 0; row < batches.get(b).length; row++) {
        int item = order[starts.get(b) + row];
        score[item] = items.score(item, Arrays.copyOfRange(x, row * per, (row + 1) * per));
      }
    }
    return McScoring.of(items, score);
  }
}
