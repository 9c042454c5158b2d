package dev.depthscope.cluster;

import dev.depthscope.core.analysis.PruningSweep;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * The sweep settings a task uses on its executor: the memory budget for carried hidden states
 * (beyond it they spill to a file in the executor's own {@code java.io.tmpdir}, since the driver's
 * spill directory need not exist there), and no progress listener (the driver follows the tasks
 * instead).
 *
 * @param memoryBudget bytes per task
 */
record ExecutorSettings(long memoryBudget) implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The settings on this executor. */
  PruningSweep.Settings sweep() {
    return new PruningSweep.Settings(
        memoryBudget, Path.of(System.getProperty("java.io.tmpdir")), null);
  }
}
