package dev.depthscope.core.analysis;

import dev.depthscope.core.eval.McItems;
import dev.depthscope.core.model.PackedLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The multiple-choice items in packed batches for a sweep or a joint pass, and the per-question
 * scores of what such a pass computed. Each question's choices share one row ({@link McPacking}),
 * so its context runs once; rows of similar length go together, so there is little padding. Padding
 * sits at the end of a row in a branch of its own, which no real token sees.
 *
 * <p>"Batch order" lists the items row by row through the batches (rows sorted by length); the
 * per-item scores of a chunk or a joint pass are kept in that order.
 */
final class McBatches {
  /** The branch of padding tokens: no real token has it, so none attends to them. */
  private static final int PAD_BRANCH = -1;

  private final McItems items;
  private final int[] order;
  private final List<SweepBatch> batches = new ArrayList<>();
  private final List<List<McPacking.Row>> packedRows = new ArrayList<>();
  private final List<Integer> starts = new ArrayList<>();

  McBatches(McItems items, int batchRows) {
    this.items = items;
    List<McPacking.Row> rows = McPacking.of(items);
    Integer[] sorted = sorted(rows);
    order = new int[items.rows().length];
    int k = 0;
    for (int[] range : ranges(rows, sorted, batchRows)) {
      List<McPacking.Row> batch = new ArrayList<>();
      starts.add(k);
      for (int g = range[0]; g < range[1]; g++) {
        McPacking.Row row = rows.get(sorted[g]);
        batch.add(row);
        for (int item : row.items()) {
          order[k++] = item;
        }
      }
      packedRows.add(batch);
      batches.add(batch(batch));
    }
  }

  /**
   * Tokens a batch may hold per {@code --batch} row: short question rows are batched by tokens, so
   * a batch of them is no larger than {@code --batch} text windows of this many tokens.
   */
  static final int TOKENS_PER_BATCH_ROW = 512;

  /** The number of batches {@code items} make (for progress totals). */
  static int count(McItems items, int batchRows) {
    List<McPacking.Row> rows = McPacking.of(items);
    return ranges(rows, sorted(rows), batchRows).size();
  }

  private static Integer[] sorted(List<McPacking.Row> rows) {
    Integer[] order = new Integer[rows.size()];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> rows.get(i).length()));
    return order;
  }

  /**
   * Consecutive {@code [start, end)} ranges of the rows sorted by length: at least {@code
   * batchRows} rows each (bar the last), more while the padded batch stays within {@code batchRows
   * * TOKENS_PER_BATCH_ROW} tokens.
   */
  private static List<int[]> ranges(List<McPacking.Row> rows, Integer[] order, int batchRows) {
    long budget = (long) batchRows * TOKENS_PER_BATCH_ROW;
    List<int[]> out = new ArrayList<>();
    int n = order.length;
    int start = 0;
    while (start < n) {
      int end = start + 1;
      while (end < n) {
        long padded = (long) (end + 1 - start) * rows.get(order[end]).length();
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

  /** The packed batch of {@code rows} (sorted by length, so the last is the longest). */
  private static SweepBatch batch(List<McPacking.Row> rows) {
    int t = rows.get(rows.size() - 1).length();
    long[][] ids = new long[rows.size()][t];
    int[][] positions = new int[rows.size()][t];
    int[][] branches = new int[rows.size()][t];
    int entries = rows.stream().mapToInt(r -> r.at().length).sum();
    long[] index = new long[entries];
    long[] target = new long[entries];
    int e = 0;
    for (int r = 0; r < rows.size(); r++) {
      McPacking.Row row = rows.get(r);
      System.arraycopy(row.tokens(), 0, ids[r], 0, row.length());
      System.arraycopy(row.positions(), 0, positions[r], 0, row.length());
      System.arraycopy(row.branches(), 0, branches[r], 0, row.length());
      Arrays.fill(branches[r], row.length(), t, PAD_BRANCH);
      for (int k = 0; k < row.at().length; k++) {
        index[e] = (long) r * t + row.at()[k];
        target[e++] = row.target()[k];
      }
    }
    return new SweepBatch(ids, new PackedLayout(positions, branches), index, target);
  }

  List<SweepBatch> batches() {
    return batches;
  }

  /**
   * Per question, 1 when the right choice is the first of maximal log-likelihood (lm-eval's {@code
   * acc}), else 0, from the scored NLL {@code nll.apply(b)} of each batch b.
   */
  double[] correct(IntFunction<float[]> nll) {
    return scores(nll).acc();
  }

  /** lm-eval's per-question scores ({@link McScoring}) from the NLL of each batch. */
  McScoring.Scores scores(IntFunction<float[]> nll) {
    return scores(rowScores(0, batches.size(), nll));
  }

  /** The first item (in batch order) of batch {@code b}; the item count at the end. */
  int start(int b) {
    return b == batches.size() ? order.length : starts.get(b);
  }

  /**
   * The log-likelihood of every item of batches {@code first .. end} (in batch order), from the
   * scored NLL {@code nll.apply(b)} of each batch b of them (b counted from {@code first}): minus
   * the sum over the item's continuation tokens, in float64.
   */
  double[] rowScores(int first, int end, IntFunction<float[]> nll) {
    int from = start(first);
    double[] out = new double[start(end) - from];
    for (int b = first; b < end; b++) {
      float[] x = nll.apply(b - first);
      int rowEntries = 0;
      int k = starts.get(b);
      for (McPacking.Row row : packedRows.get(b)) {
        for (int c = 0; c < row.items().length; c++) {
          int e = rowEntries + row.entry()[c];
          double s = 0;
          for (int t = 0; t < items.tokens(row.items()[c]); t++) {
            s -= x[e + t];
          }
          out[k++ - from] = s;
        }
        rowEntries += row.at().length;
      }
    }
    return out;
  }

  /** lm-eval's per-question scores from every item's log-likelihood in batch order. */
  McScoring.Scores scores(double[] sortedScores) {
    double[] score = new double[items.rows().length];
    for (int k = 0; k < order.length; k++) {
      score[order[k]] = sortedScores[k];
    }
    return McScoring.of(items, score);
  }
}
