package dev.depthscope.cluster;

import ai.djl.Device;
import dev.depthscope.core.model.CausalLm;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the audited model inside a Spark task, from the path every executor is expected to read (a
 * shared file system, or the same Hugging Face cache path on every node). A path this executor
 * cannot see fails the task with {@link ModelMissingOnExecutor}, naming the host and the path,
 * which the driver turns into the job's one-line error.
 */
final class ExecutorModel {
  private ExecutorModel() {}

  /**
   * The model at {@code dir} with its weights streamed block by block (the single-process audit's
   * default), on the CPU. The loader's notices are dropped: the driver printed the same ones when
   * it opened the same checkpoint.
   */
  static CausalLm open(Path dir) {
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new ModelMissingOnExecutor(Executors.host(), Executors.id(), dir);
    }
    return CausalLm.open(dir, notice -> {}, CausalLm.Residency.STREAMING, Device.cpu());
  }

  /** A model path an executor cannot read. */
  static final class ModelMissingOnExecutor extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /** Marks the message in Spark's job failure text, where only the message may survive. */
    static final String MARK = "model missing on executor: ";

    ModelMissingOnExecutor(String host, String executor, Path dir) {
      super(
          MARK
              + dir
              + " has no config.json on host "
              + host
              + " (executor "
              + executor
              + "); every executor must read the model at that path: put it on a shared file"
              + " system or at the same path on every node, or pass --spark-model-path");
    }
  }
}
