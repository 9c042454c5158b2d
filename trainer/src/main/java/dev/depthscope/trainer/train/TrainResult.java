package dev.depthscope.trainer.train;

import java.nio.file.Path;
import java.util.List;

/**
 * What one training run produced (also written as {@code curves.json}). Losses and norms are
 * float64 as reported; the rows are REFERENCE.md's with the learning rate appended.
 *
 * @param norm the scheme trained
 * @param scaledInit whether o_proj/down_proj were initialised with std 0.02/sqrt(2L)
 * @param hyperparameters the settings used
 * @param parameters number of trained scalars
 * @param losses per step {@code [step, loss, grad_norm_before_clipping, lr]}
 * @param evals {@code [step, eval_loss]} at every {@code eval_every} steps and at the end
 * @param finalEvalLoss eval loss after the last step
 * @param tokensPerSecond training tokens per second of wall time (forward, backward, update)
 * @param trainSeconds wall time of the training steps (without evals and export)
 * @param modelDir the exported checkpoint
 */
public record TrainResult(
    Norm norm,
    boolean scaledInit,
    Hyperparameters hyperparameters,
    long parameters,
    List<double[]> losses,
    List<double[]> evals,
    double finalEvalLoss,
    double tokensPerSecond,
    double trainSeconds,
    Path modelDir) {

  /** Copies the lists. */
  public TrainResult {
    losses = List.copyOf(losses);
    evals = List.copyOf(evals);
  }
}
