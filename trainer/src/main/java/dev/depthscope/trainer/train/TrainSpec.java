package dev.depthscope.trainer.train;

import ai.djl.Device;
import java.nio.file.Path;

/**
 * Everything one training run needs: what to train, from where, on which tokens, and where to put
 * the results.
 *
 * @param norm the norm scheme
 * @param scaledInit initialise o_proj/down_proj with std 0.02/sqrt(2L) (random init only)
 * @param init checkpoint directory to start from, or null for a seeded random init of {@code shape}
 * @param shape architecture of the random init (ignored when {@code init} is given)
 * @param hyperparameters optimisation settings
 * @param train the training token stream
 * @param eval the eval token stream
 * @param tokenizerDir directory whose tokenizer files are copied into the export, or null (then
 *     {@code init}'s are copied when present)
 * @param out output directory ({@code curves.json} and {@code model/})
 * @param device where the parameters live and training computes ({@code Device.cpu()} by default;
 *     {@code Device.gpu()} needs a CUDA build of libtorch and a GPU). The results do not record it:
 *     the same spec is meant to train the same model on any device, up to float rounding.
 */
public record TrainSpec(
    Norm norm,
    boolean scaledInit,
    Path init,
    ModelShape shape,
    Hyperparameters hyperparameters,
    TokenStream train,
    TokenStream eval,
    Path tokenizerDir,
    Path out,
    Device device) {

  /** Checks the combination of options; a null {@code device} means the CPU. */
  public TrainSpec {
    if (device == null) {
      device = Device.cpu();
    }
    if (init == null && shape == null) {
      throw new IllegalArgumentException("give --init DIR or a model shape for a random init");
    }
    if (init != null && scaledInit) {
      throw new IllegalArgumentException(
          "--scaled-init applies to a random init; it cannot be combined with --init " + init);
    }
  }

  /** A run on the CPU, the default device. */
  public TrainSpec(
      Norm norm,
      boolean scaledInit,
      Path init,
      ModelShape shape,
      Hyperparameters hyperparameters,
      TokenStream train,
      TokenStream eval,
      Path tokenizerDir,
      Path out) {
    this(
        norm,
        scaledInit,
        init,
        shape,
        hyperparameters,
        train,
        eval,
        tokenizerDir,
        out,
        Device.cpu());
  }

  /** The same run for another scheme, writing to {@code newOut} (on the same device). */
  public TrainSpec with(Norm newNorm, Path newOut) {
    return new TrainSpec(
        newNorm,
        scaledInit,
        init,
        shape,
        hyperparameters,
        train,
        eval,
        tokenizerDir,
        newOut,
        device);
  }

  /** The same run on {@code newDevice}. */
  public TrainSpec on(Device newDevice) {
    return new TrainSpec(
        norm, scaledInit, init, shape, hyperparameters, train, eval, tokenizerDir, out, newDevice);
  }
}
