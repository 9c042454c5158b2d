package dev.depthscope.core.eval;

import dev.depthscope.core.tokenize.TextTokenizer;
import java.util.ArrayList;
import java.util.List;

/**
 * Multiple-choice requests turned into token rows, one per (question, choice), exactly as
 * lm-evaluation-harness's Hugging Face backend builds them ({@link LmEvalEncoding}): context and
 * continuation encoded together and split, left-truncated to the model's maximum length + 1. A
 * choice's score is the sum of the log-probabilities of its continuation tokens, the last {@link
 * #tokens(int)} of its row, given everything before them; rows differ in length.
 *
 * @param questions the questions
 * @param prompts the requests they became (context and choice strings)
 * @param rows token ids per item
 * @param question question index per item
 * @param choice choice index per item
 * @param continuationStart position of the first continuation token in the row
 * @param maxLength the model length the rows were truncated to
 * @param truncatedQuestions questions with at least one row left-truncated
 * @param format what {@link McFormat#description()} says of the prompts
 */
public record McItems(
    List<McQuestion> questions,
    List<McPrompt> prompts,
    long[][] rows,
    int[] question,
    int[] choice,
    int[] continuationStart,
    int maxLength,
    int truncatedQuestions,
    String format) {

  /**
   * The plain zero-shot items of {@code questions} with no length limit (tests and callers that
   * check lengths themselves).
   */
  public static McItems of(List<McQuestion> questions, TextTokenizer tokenizer) {
    return of(questions, McFormat.plain(), tokenizer, Integer.MAX_VALUE - 1);
  }

  /**
   * Tokenizes every (question, choice) request of {@code format}, truncating at {@code maxLength}.
   */
  public static McItems of(
      List<McQuestion> questions, McFormat format, TextTokenizer tokenizer, int maxLength) {
    List<McPrompt> prompts = format.prompts(questions);
    LmEvalEncoding enc = new LmEvalEncoding(tokenizer);
    List<long[]> rows = new ArrayList<>();
    List<int[]> meta = new ArrayList<>();
    int truncated = 0;
    for (int q = 0; q < prompts.size(); q++) {
      McPrompt p = prompts.get(q);
      boolean cut = false;
      for (int c = 0; c < p.choices().size(); c++) {
        LmEvalEncoding.Pair pair;
        try {
          pair = enc.encodePair(p.context(), p.continuation(c));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(
              "question " + (q + 1) + ", choice " + (c + 1) + ": " + e.getMessage());
        }
        if (pair.continuation().length > maxLength) {
          throw new IllegalArgumentException(
              "question "
                  + (q + 1)
                  + ", choice "
                  + (c + 1)
                  + ": the continuation has "
                  + pair.continuation().length
                  + " tokens, more than the model's maximum length "
                  + maxLength);
        }
        long[] row = pair.row(maxLength);
        if (row.length == pair.continuation().length) {
          throw new IllegalArgumentException(
              "question " + (q + 1) + ": the context encodes to no tokens");
        }
        cut |= pair.truncated(maxLength);
        rows.add(row);
        meta.add(new int[] {q, c, row.length - pair.continuation().length});
      }
      if (cut) {
        truncated++;
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
    return new McItems(
        questions,
        prompts,
        rows.toArray(long[][]::new),
        qs,
        cs,
        starts,
        maxLength,
        truncated,
        format.description());
  }

  /** The continuation tokens of item {@code i}. */
  public int tokens(int i) {
    return rows[i].length - continuationStart[i];
  }

  /**
   * The log-likelihood of item {@code i} from its per-position NLL ({@code nll[t]} = -log p(token
   * t+1 | tokens 0..t)): minus the sum over the continuation's tokens, in float64.
   */
  public double score(int i, float[] nll) {
    double s = 0;
    for (int t = continuationStart[i]; t < rows[i].length; t++) {
      s -= nll[t - 1];
    }
    return s;
  }
}
