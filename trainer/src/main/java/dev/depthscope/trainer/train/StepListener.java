package dev.depthscope.trainer.train;

/**
 * Receives progress after every optimizer step (the CLI drives a progress bar with it); the default
 * does nothing so library callers and tests need not care.
 */
@FunctionalInterface
public interface StepListener {
  /** Ignores progress. */
  StepListener NONE = (step, loss, gradNorm, lr, tokensPerSecond) -> {};

  /**
   * Called after step {@code step} (0-based) with its loss, pre-clipping gradient norm, learning
   * rate and the running training throughput.
   */
  void onStep(int step, double loss, double gradNorm, double lr, double tokensPerSecond);
}
