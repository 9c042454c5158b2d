package dev.depthscope.trainer.train;

/**
 * Thrown when a training step's loss or gradient norm is not finite. The step's update is not
 * applied; continuing would only spread NaN through every parameter and the optimizer state.
 */
public final class TrainingDivergedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final int step;

  /** A divergence at {@code step} (0-based), described by {@code message}. */
  public TrainingDivergedException(int step, String message) {
    super(message);
    this.step = step;
  }

  /** The step (0-based) whose loss or gradients were not finite. */
  public int step() {
    return step;
  }
}
