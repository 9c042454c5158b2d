package dev.depthscope.core.analysis;

import java.util.ArrayList;
import java.util.List;

/**
 * The multiple-choice part of an audit, scored as lm-evaluation-harness 0.4.13 scores a {@code
 * multiple_choice} task with its Hugging Face backend ({@link McScoring}): {@code acc} and {@code
 * acc_norm} of the baseline and with each block removed, their changes and 95% bootstrap intervals
 * over questions. {@code mc_accuracy} in the metrics is the same {@code acc}.
 *
 * @param scoring what the numbers are, in words
 * @param format the prompt format ({@code plain} or {@code mmlu}, subject, shots)
 * @param questions questions scored
 * @param maxLength the maximum length rows were left-truncated to
 * @param truncatedQuestions questions with at least one row left-truncated
 * @param acc baseline {@code acc}
 * @param accNorm baseline {@code acc_norm}
 * @param prunedAcc {@code [L]} {@code acc} with block l removed
 * @param prunedAccNorm {@code [L]} {@code acc_norm} with block l removed
 * @param accDelta {@code [L]} pruned minus baseline {@code acc}
 * @param accNormDelta {@code [L]} pruned minus baseline {@code acc_norm}
 * @param accDeltaCi95 {@code [L][low, high]} (null under two questions)
 * @param accNormDeltaCi95 {@code [L][low, high]} (null under two questions)
 * @param samplesFile the per-question log-likelihood file beside {@code audit.json}
 * @param samples the per-question scores: baseline first, then with each block removed (not written
 *     to {@code audit.json}; null when read back)
 */
public record McReport(
    String scoring,
    String format,
    int questions,
    int maxLength,
    int truncatedQuestions,
    double acc,
    double accNorm,
    double[] prunedAcc,
    double[] prunedAccNorm,
    double[] accDelta,
    double[] accNormDelta,
    List<double[]> accDeltaCi95,
    List<double[]> accNormDeltaCi95,
    String samplesFile,
    @AuditJson.Omitted List<McScoring.Scores> samples) {

  /** What {@link #scoring} says. */
  public static final String SCORING =
      "lm-evaluation-harness 0.4.13 multiple_choice, hf backend: context and ' ' + choice encoded"
          + " together and split (_encode_pair), the tokenizer's default BOS, left truncation to"
          + " max_length; acc = argmax of summed loglik (first on ties), acc_norm = argmax of"
          + " loglik / characters of the choice";

  /** The report of a baseline's and every single removal's scores. */
  static McReport of(
      McScoring.Scores base, McScoring.Scores[] pruned, String format, int maxLength, int cut) {
    int layers = pruned.length;
    int n = base.acc().length;
    double acc = base.meanAcc();
    double norm = base.meanAccNorm();
    double[] pa = new double[layers];
    double[] pn = new double[layers];
    double[] da = new double[layers];
    double[] dn = new double[layers];
    List<double[]> ca = n >= AuditIntervals.MIN_UNITS ? new ArrayList<>() : null;
    List<double[]> cn = n >= AuditIntervals.MIN_UNITS ? new ArrayList<>() : null;
    double[] ones = new double[n];
    java.util.Arrays.fill(ones, 1);
    for (int l = 0; l < layers; l++) {
      pa[l] = pruned[l].meanAcc();
      pn[l] = pruned[l].meanAccNorm();
      da[l] = pa[l] - acc;
      dn[l] = pn[l] - norm;
      if (ca != null) {
        ca.add(AuditIntervals.interval(base.acc(), pruned[l].acc(), ones));
        cn.add(AuditIntervals.interval(base.accNorm(), pruned[l].accNorm(), ones));
      }
    }
    List<McScoring.Scores> samples = new ArrayList<>();
    samples.add(base);
    samples.addAll(List.of(pruned));
    return new McReport(
        SCORING,
        format,
        n,
        maxLength,
        cut,
        acc,
        norm,
        pa,
        pn,
        da,
        dn,
        ca,
        cn,
        McSamplesFile.FILE,
        samples);
  }
}
