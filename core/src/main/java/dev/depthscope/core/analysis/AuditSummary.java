package dev.depthscope.core.analysis;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.stat.regression.SimpleRegression;

/**
 * The verdict of an audit in a few numbers.
 *
 * @param varianceGrowth variance of h_L over variance of h_1
 * @param logVarianceSlope slope of ln(variance[l]) against l for l = 1..L (per layer)
 * @param logVarianceR2 r^2 of that fit
 * @param linearVarianceR2 r^2 of variance[l] against l (for comparison)
 * @param growth {@code exponential} when the log fit explains more than the linear one, else {@code
 *     linear}
 * @param threshold relative NLL change below which a layer counts as ineffective
 * @param ineffectiveLayers layers l with {@code pruning_delta_nll[l] < threshold * baseline_nll}
 * @param longestRun the longest run of consecutive ineffective layers, {@code [first, last]}, or
 *     empty
 * @param ineffectiveFraction share of layers that are ineffective
 * @param uniformNll {@code ln(vocab_size)}: the NLL of a uniform guess over the vocabulary (null in
 *     audits written before it was recorded)
 * @param baselineAboveUniform the baseline NLL is at or above {@code uniformNll}: the model
 *     predicts this text no better than chance (untrained, or the wrong tokenizer), so what
 *     removing a block costs says little
 * @param cut the longest run removed as one joint removal (all its blocks replaced by the identity
 *     at once), as measured; null when there is no run or no NLL
 * @param hiddenStateConvention which hidden states the verdict reads: {@value #CONVENTION} (the
 *     variance growth uses h_L before the final norm; blocks are judged by their measured NLL
 *     change, not by a similarity score; the peers' post-norm and last-token numbers are in the
 *     audit's {@code peers}); null in audits written before it was recorded
 */
public record AuditSummary(
    double varianceGrowth,
    double logVarianceSlope,
    double logVarianceR2,
    double linearVarianceR2,
    String growth,
    double threshold,
    List<Integer> ineffectiveLayers,
    List<Integer> longestRun,
    double ineffectiveFraction,
    Double uniformNll,
    boolean baselineAboveUniform,
    RemovedSet cut,
    String hiddenStateConvention) {

  /**
   * The convention of every summary depthscope writes: h_1..h_L are the residual stream before the
   * model's final norm (REFERENCE.md), unlike Hugging Face's {@code output_hidden_states}.
   */
  public static final String CONVENTION = "pre_final_norm";

  public AuditSummary {
    ineffectiveLayers = List.copyOf(ineffectiveLayers);
    longestRun = List.copyOf(longestRun);
  }

  /** A summary without the uniform-guess comparison (see {@link #withUniformNll}). */
  public AuditSummary(
      double varianceGrowth,
      double logVarianceSlope,
      double logVarianceR2,
      double linearVarianceR2,
      String growth,
      double threshold,
      List<Integer> ineffectiveLayers,
      List<Integer> longestRun,
      double ineffectiveFraction) {
    this(
        varianceGrowth,
        logVarianceSlope,
        logVarianceR2,
        linearVarianceR2,
        growth,
        threshold,
        ineffectiveLayers,
        longestRun,
        ineffectiveFraction,
        null,
        false,
        null,
        CONVENTION);
  }

  /**
   * This summary with {@code uniformNll} ({@code ln(vocab_size)}) recorded and {@code
   * baselineAboveUniform} set when {@code baselineNll >= uniformNll}.
   */
  public AuditSummary withUniformNll(double uniformNll, double baselineNll) {
    return with(uniformNll, baselineNll >= uniformNll, cut);
  }

  /** This summary with the longest run's jointly measured removal. */
  public AuditSummary withCut(RemovedSet measured) {
    if (!measured.blocks().equals(runBlocks())) {
      throw new IllegalArgumentException(
          "the cut " + measured.blocks() + " is not the longest run " + longestRun);
    }
    return with(uniformNll, baselineAboveUniform, measured);
  }

  /** This summary with the three fields recorded after the sweep replaced. */
  private AuditSummary with(Double uniform, boolean aboveUniform, RemovedSet measured) {
    return new AuditSummary(
        varianceGrowth,
        logVarianceSlope,
        logVarianceR2,
        linearVarianceR2,
        growth,
        threshold,
        ineffectiveLayers,
        longestRun,
        ineffectiveFraction,
        uniform,
        aboveUniform,
        measured,
        hiddenStateConvention);
  }

  /** The blocks of the longest run, ascending (empty when there is none). */
  public List<Integer> runBlocks() {
    return longestRun.isEmpty()
        ? List.of()
        : RemovalSearch.window(longestRun.get(0), longestRun.get(1) - longestRun.get(0) + 1);
  }

  /**
   * Summarises {@code variance} ({@code [L+1]}) and, when present, the pruning deltas ({@code [L]})
   * against {@code baselineNll}.
   */
  public static AuditSummary of(
      double[] variance, double[] deltaNll, double baselineNll, double threshold) {
    int layers = variance.length - 1;
    SimpleRegression log = new SimpleRegression();
    SimpleRegression lin = new SimpleRegression();
    for (int l = 1; l <= layers; l++) {
      if (variance[l] > 0) {
        log.addData(l, Math.log(variance[l]));
      }
      lin.addData(l, variance[l]);
    }
    double logR2 = layers >= 3 ? log.getRSquare() : Double.NaN;
    double linR2 = layers >= 3 ? lin.getRSquare() : Double.NaN;
    List<Integer> ineffective = new ArrayList<>();
    List<Integer> run = new ArrayList<>();
    if (deltaNll != null) {
      int bestStart = -1;
      int bestLen = 0;
      int start = -1;
      for (int l = 0; l < layers; l++) {
        if (deltaNll[l] < threshold * baselineNll) {
          ineffective.add(l);
          if (start < 0) {
            start = l;
          }
          if (l - start + 1 > bestLen) {
            bestLen = l - start + 1;
            bestStart = start;
          }
        } else {
          start = -1;
        }
      }
      if (bestLen > 0) {
        run = List.of(bestStart, bestStart + bestLen - 1);
      }
    }
    return new AuditSummary(
        variance[layers] / variance[Math.min(1, layers)],
        layers >= 2 ? log.getSlope() : Double.NaN,
        logR2,
        linR2,
        Double.isNaN(logR2) ? "undetermined" : logR2 > linR2 ? "exponential" : "linear",
        threshold,
        ineffective,
        run,
        deltaNll == null ? Double.NaN : (double) ineffective.size() / layers);
  }
}
