package dev.depthscope.trainer.train;

/**
 * The optimisation settings of one run, as in REFERENCE.md ("Trainer reference runs"). The defaults
 * ({@link #parity6L()}) are the hyperparameters of {@code trainer-reference/parity-6L}.
 *
 * @param steps optimizer steps
 * @param batch sequences per training step
 * @param seq tokens per sequence (inputs; each row reads {@code seq + 1} tokens)
 * @param lr peak learning rate
 * @param warmup linear warm-up steps
 * @param minLrRatio floor of the cosine decay as a fraction of {@code lr}
 * @param weightDecay decoupled AdamW weight decay, applied to every parameter
 * @param clip global L2 gradient-norm limit (0 or less disables clipping)
 * @param beta1 Adam first-moment decay
 * @param beta2 Adam second-moment decay
 * @param eps Adam epsilon
 * @param evalBatches eval batches (of {@link #evalBatch} rows) for the eval loss
 * @param evalBatch rows per eval batch (16 in the reference)
 * @param evalEvery evaluate every this many steps during training (0 = only at the end)
 * @param seed seed of the random initialisation (unused when starting from a checkpoint)
 */
public record Hyperparameters(
    int steps,
    int batch,
    int seq,
    double lr,
    int warmup,
    double minLrRatio,
    double weightDecay,
    double clip,
    double beta1,
    double beta2,
    double eps,
    int evalBatches,
    int evalBatch,
    int evalEvery,
    long seed) {

  /** Validates ranges so a bad option fails before any work starts. */
  public Hyperparameters {
    positive("steps", steps);
    positive("batch", batch);
    positive("seq", seq);
    positive("eval-batches", evalBatches);
    positive("eval batch", evalBatch);
    if (warmup < 0 || warmup > steps) {
      throw new IllegalArgumentException("--warmup must be in 0.." + steps + ", is " + warmup);
    }
    if (!(lr > 0)) {
      throw new IllegalArgumentException("--lr must be positive, is " + lr);
    }
    if (minLrRatio < 0 || minLrRatio > 1) {
      throw new IllegalArgumentException("--min-lr-ratio must be in [0, 1], is " + minLrRatio);
    }
    if (weightDecay < 0) {
      throw new IllegalArgumentException("--weight-decay must not be negative");
    }
    if (evalEvery < 0) {
      throw new IllegalArgumentException("--eval-every must not be negative");
    }
  }

  private static void positive(String name, int v) {
    if (v <= 0) {
      throw new IllegalArgumentException(name + " must be positive, is " + v);
    }
  }

  /** The parity-6L reference settings (300 steps of 8 x 128 tokens, lr 1e-3, ...). */
  public static Hyperparameters parity6L() {
    return new Hyperparameters(
        300, 8, 128, 1e-3, 30, 0.1, 0.1, 1.0, 0.9, 0.95, 1e-8, 4, 16, 0, 1234L);
  }

  /** A copy with another step count (the schedule follows, warm-up capped at the steps). */
  public Hyperparameters withSteps(int newSteps) {
    return new Hyperparameters(
        newSteps,
        batch,
        seq,
        lr,
        Math.min(warmup, newSteps),
        minLrRatio,
        weightDecay,
        clip,
        beta1,
        beta2,
        eps,
        evalBatches,
        evalBatch,
        evalEvery,
        seed);
  }

  /** A copy with another seed of the random init. */
  public Hyperparameters withSeed(long newSeed) {
    return new Hyperparameters(
        steps,
        batch,
        seq,
        lr,
        warmup,
        minLrRatio,
        weightDecay,
        clip,
        beta1,
        beta2,
        eps,
        evalBatches,
        evalBatch,
        evalEvery,
        newSeed);
  }

  /**
   * The learning rate at {@code step} (REFERENCE.md): linear warm-up {@code lr*(s+1)/warmup}, then
   * cosine decay to {@code lr*min_lr_ratio} at step {@code steps}.
   */
  public double lrAt(int step) {
    if (step < warmup) {
      return lr * (step + 1) / warmup;
    }
    double progress = steps == warmup ? 1.0 : (double) (step - warmup) / (steps - warmup);
    return lr * (minLrRatio + (1 - minLrRatio) * 0.5 * (1 + Math.cos(Math.PI * progress)));
  }
}
