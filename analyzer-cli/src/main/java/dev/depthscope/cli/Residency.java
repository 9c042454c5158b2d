package dev.depthscope.cli;

import dev.depthscope.core.config.ModelConfig;
import dev.depthscope.core.model.MemoryEstimate;
import java.nio.file.Path;

/** The check behind {@code --resident}: all float32 weights must fit in free memory. */
final class Residency {
  private Residency() {}

  /**
   * Refuses with a clear message when the model's float32 weights would not fit in the machine's
   * free physical memory.
   */
  static void requireFits(Path dir) {
    ModelConfig c = ModelConfig.load(dir);
    long weights = 4L * c.parameterCount();
    long free = Sizes.availableMemory();
    if (free > 0 && weights > free) {
      throw new IllegalArgumentException(
          "--resident needs "
              + MemoryEstimate.human(weights)
              + " for the float32 weights but only "
              + MemoryEstimate.human(free)
              + " of RAM is free; drop --resident to stream one block at a time");
    }
  }
}
