package dev.depthscope.core.eval;

import dev.depthscope.core.tokenize.TextTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Multiple-choice questions turned into token rows, one per (question, choice): the question
 * encoded with the tokenizer's special tokens, then {@code " " + choice} encoded without them. A
 * choice's score is the sum of the log-probabilities of its tokens given everything before them
 * (lm-evaluation-harness's {@code acc}); rows differ in length.
 *
 * @param questions the questions
 * @param rows token ids per item
 * @param question question index per item
 * @param choice choice index per item
 * @param continuationStart position of the first choice token in the row
 */
public record McItems(
    List<McQuestion> questions,
    long[][] rows,
    int[] question,
    int[] choice,
    int[] continuationStart)
    implements java.io.Serializable {
  private static final long serialVersionUID = 1L;

  /** Tokenizes every (question, choice) pair. */
  public static McItems of(List<McQuestion> questions, TextTokenizer tokenizer) {
    List<long[]> rows = new ArrayList<>();
    List<int[]> meta = new ArrayList<>();
    for (int q = 0; q < questions.size(); q++) {
      McQuestion mq = questions.get(q);
      long[] ctx = tokenizer.encode(mq.question(), true);
      if (ctx.length == 0) {
        throw new IllegalArgumentException("question " + (q + 1) + " encodes to no tokens");
      }
      for (int c = 0; c < mq.choices().size(); c++) {
        long[] cont = tokenizer.encode(" " + mq.choices().get(c), false);
        if (cont.length == 0) {
          throw new IllegalArgumentException(
              "question " + (q + 1) + ", choice " + (c + 1) + " encodes to no tokens");
        }
        long[] row = new long[ctx.length + cont.length];
        System.arraycopy(ctx, 0, row, 0, ctx.length);
        System.arraycopy(cont, 0, row, ctx.length, cont.length);
        rows.add(row);
        meta.add(new int[] {q, c, ctx.length});
      }
    }
    int n = rows.size();
    int[] qs = new int[n];
    int[] cs = new int[n];
    int[] starts = new int[n];
    for (int i = 0; i < n; i++) {
      qs[i] = meta.get(i)[0];
      cs[i] = meta.get(i)[1];
      starts[i] = meta.get(i)[2];
    }
    return new McItems(questions, rows.toArray(long[][]::new), qs, cs, starts);
  }

  /**
   * The score of item {@code i} from its per-position NLL ({@code nll[t]} = -log p(token t+1 |
   * tokens 0..t)): minus the sum over the choice's tokens.
   */
  public double score(int i, float[] nll) {
    double s = 0;
    for (int t = continuationStart[i]; t < rows[i].length; t++) {
      s -= nll[t - 1];
    }
    return s;
  }

  /**
   * Per question, 1 when the right choice has the strictly highest score (ties count as wrong),
   * else 0.
   */
  public double[] correct(double[] scores) {
    double[] best = new double[questions.size()];
    java.util.Arrays.fill(best, Double.NEGATIVE_INFINITY);
    double[] right = new double[questions.size()];
    for (int i = 0; i < rows.length; i++) {
      int q = question[i];
      if (choice[i] == questions.get(q).answer()) {
        right[q] = scores[i];
      }
    }
    for (int i = 0; i < rows.length; i++) {
      int q = question[i];
      if (choice[i] != questions.get(q).answer()) {
        if (scores[i] > best[q]) {
          best[q] = scores[i];
        }
      }
    }
    double[] out = new double[questions.size()];
    for (int q = 0; q < out.length; q++) {
      out[q] = right[q] > best[q] ? 1 : 0;
    }
    return out;
  }
}
