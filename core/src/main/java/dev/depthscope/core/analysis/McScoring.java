package dev.depthscope.core.analysis;

import dev.depthscope.core.eval.McItems;
import dev.depthscope.core.eval.McPrompt;

/**
 * lm-evaluation-harness's {@code multiple_choice} metrics from per-choice log-likelihoods: {@code
 * acc} is 1 when the first choice of maximal log-likelihood is the right one ({@code np.argmax}, so
 * a tie goes to the earlier choice), {@code acc_norm} the same with each log-likelihood divided by
 * its choice string's length in characters (Unicode code points, Python's {@code len}; the target
 * delimiter not counted).
 */
public final class McScoring {
  private McScoring() {}

  /**
   * Per question: each choice's summed log-likelihood (nats) and continuation tokens, and the two
   * 0/1 metrics.
   *
   * @param loglik {@code [questions][choices]}
   * @param tokens {@code [questions][choices]}
   * @param acc 1 or 0 per question
   * @param accNorm 1 or 0 per question
   */
  public record Scores(double[][] loglik, int[][] tokens, double[] acc, double[] accNorm) {
    /** Mean {@code acc}. */
    public double meanAcc() {
      return mean(acc);
    }

    /** Mean {@code acc_norm}. */
    public double meanAccNorm() {
      return mean(accNorm);
    }
  }

  /** The scores of {@code items} from each item's log-likelihood {@code itemLoglik[i]}. */
  public static Scores of(McItems items, double[] itemLoglik) {
    int nq = items.prompts().size();
    double[][] ll = new double[nq][];
    int[][] tokens = new int[nq][];
    for (int q = 0; q < nq; q++) {
      int k = items.prompts().get(q).choices().size();
      ll[q] = new double[k];
      tokens[q] = new int[k];
    }
    for (int i = 0; i < itemLoglik.length; i++) {
      ll[items.question()[i]][items.choice()[i]] = itemLoglik[i];
      tokens[items.question()[i]][items.choice()[i]] = items.tokens(i);
    }
    double[] acc = new double[nq];
    double[] accNorm = new double[nq];
    for (int q = 0; q < nq; q++) {
      McPrompt p = items.prompts().get(q);
      double[] norm = new double[ll[q].length];
      for (int c = 0; c < norm.length; c++) {
        String s = p.choices().get(c);
        norm[c] = ll[q][c] / (double) s.codePointCount(0, s.length());
      }
      acc[q] = argmax(ll[q]) == p.answer() ? 1 : 0;
      accNorm[q] = argmax(norm) == p.answer() ? 1 : 0;
    }
    return new Scores(ll, tokens, acc, accNorm);
  }

  /** numpy's argmax: the first index of the maximum; a NaN counts as the maximum. */
  static int argmax(double[] x) {
    int best = 0;
    for (int i = 0; i < x.length; i++) {
      if (Double.isNaN(x[i])) {
        return i;
      }
      if (x[i] > x[best]) {
        best = i;
      }
    }
    return best;
  }

  private static double mean(double[] x) {
    double s = 0;
    for (double v : x) {
      s += v;
    }
    return x.length == 0 ? Double.NaN : s / x.length;
  }
}
