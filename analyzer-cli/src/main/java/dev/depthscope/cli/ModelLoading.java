package dev.depthscope.cli;

import ai.djl.Device;
import dev.depthscope.core.model.CausalLm;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Opens a model for a command. With resident weights every block is loaded (and converted to
 * float32) up front behind a "load" progress bar, so a long load shows its progress and ETA instead
 * of a silent first batch; streamed weights load block by block inside the pass or sweep, whose own
 * bar covers them. The numbers do not change: the same blocks are loaded, only earlier.
 */
final class ModelLoading {
  private ModelLoading() {}

  /**
   * Opens {@code dir} on {@code device} as {@code residency} says, sending notices to {@code
   * notices}.
   */
  static CausalLm open(
      Path dir,
      CausalLm.Residency residency,
      Device device,
      Progress progress,
      Consumer<String> notices) {
    CausalLm lm = CausalLm.open(dir, notices, residency, device);
    if (residency != CausalLm.Residency.RESIDENT) {
      return lm;
    }
    try (Progress.Bar bar = progress.bar("load", lm.config().numLayers(), "blocks")) {
      for (int l = 0; l < lm.config().numLayers(); l++) {
        lm.blockWeights(l);
        bar.step();
      }
    } catch (RuntimeException | Error e) {
      lm.close();
      throw e;
    }
    return lm;
  }
}
