package dev.depthscope.core.analysis;

import java.util.List;

/**
 * A set of blocks removed together (each replaced by the identity) and what that measurably costs
 * on the audit's evaluation rows.
 *
 * @param blocks removed blocks, 0-based, ascending
 * @param jointNll mean next-token NLL with all of them removed at once (nats)
 * @param jointDeltaNll {@code joint_nll - baseline_nll}
 * @param ci95 95% percentile-bootstrap interval of {@code joint_delta_nll} over sequences, {@code
 *     [low, high]}; null with fewer than two sequences (no interval)
 * @param sumOfSingleDeltas the sum of the blocks' one-at-a-time {@code pruning_delta_nll}: what the
 *     joint cost would be if removal effects simply added up
 * @param mcAccuracy multiple-choice accuracy with the set removed (null without MC)
 * @param mcAccuracyDelta {@code mc_accuracy} minus the baseline accuracy (null without MC)
 * @param mcCi95 95% bootstrap interval of {@code mc_accuracy_delta} over questions (null without
 *     MC, or with fewer than two questions)
 * @param mcAccNorm lm-eval's {@code acc_norm} with the set removed, its change and interval (null
 *     without MC)
 */
public record RemovedSet(
    List<Integer> blocks,
    double jointNll,
    double jointDeltaNll,
    double[] ci95,
    double sumOfSingleDeltas,
    Double mcAccuracy,
    Double mcAccuracyDelta,
    double[] mcCi95,
    AccNorm mcAccNorm) {
  public RemovedSet {
    blocks = List.copyOf(blocks);
  }

  /** A set without {@code acc_norm}. */
  public RemovedSet(
      List<Integer> blocks,
      double jointNll,
      double jointDeltaNll,
      double[] ci95,
      double sumOfSingleDeltas,
      Double mcAccuracy,
      Double mcAccuracyDelta,
      double[] mcCi95) {
    this(
        blocks,
        jointNll,
        jointDeltaNll,
        ci95,
        sumOfSingleDeltas,
        mcAccuracy,
        mcAccuracyDelta,
        mcCi95,
        null);
  }

  /**
   * lm-eval's {@code acc_norm} of a removal.
   *
   * @param accNorm {@code acc_norm} with the set removed
   * @param delta {@code acc_norm} minus the baseline's
   * @param ci95 95% bootstrap interval of {@code delta} over questions (null under two questions)
   */
  public record AccNorm(double accNorm, double delta, double[] ci95) {}

  /** The same set with its multiple-choice figures. */
  public RemovedSet withMc(double accuracy, double delta, double[] ci) {
    return withMc(accuracy, delta, ci, null);
  }

  /** The same set with its multiple-choice figures, {@code acc_norm} included. */
  public RemovedSet withMc(double accuracy, double delta, double[] ci, AccNorm norm) {
    return new RemovedSet(
        blocks, jointNll, jointDeltaNll, ci95, sumOfSingleDeltas, accuracy, delta, ci, norm);
  }
}
