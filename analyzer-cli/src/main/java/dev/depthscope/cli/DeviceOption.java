package dev.depthscope.cli;

import ai.djl.engine.Engine;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * {@code --device cpu|gpu}, shared as a picocli mixin by the commands that run a model. depthscope
 * computes on the CPU; {@code gpu} is refused with a one-line message that says what a GPU run
 * needs, before any model is loaded, rather than silently running on the CPU.
 */
final class DeviceOption {
  /** What a GPU run needs, for the error message and the help text. */
  static final String GPU_NEEDS =
      "a CUDA build of libtorch 2.7.1 matching DJL 0.36 (ai.djl.pytorch:pytorch-native-cu128 on"
          + " the classpath, or PYTORCH_LIBRARY_PATH with PYTORCH_VERSION=2.7.1 and"
          + " PYTORCH_FLAVOR=cu128) and an NVIDIA GPU with its driver";

  /** The values {@code --device} accepts, for help and shell completion. */
  static final class Values implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return List.of("cpu", "gpu").iterator();
    }
  }

  @Option(
      names = "--device",
      paramLabel = "cpu|gpu",
      defaultValue = "cpu",
      completionCandidates = Values.class,
      description =
          "Where to compute: cpu (default) or gpu. The GPU needs a CUDA libtorch 2.7.1 build"
              + " matching DJL 0.36; without one, gpu is refused with a message.")
  String device = "cpu";

  /** Checks the device can be used, asking the PyTorch engine for GPUs only when asked for one. */
  void require() {
    require(device, () -> Engine.getEngine("PyTorch").getGpuCount());
  }

  /** {@link #require()} with the GPU count supplied (for tests). */
  static void require(String device, java.util.function.IntSupplier gpuCount) {
    switch (device.toLowerCase(Locale.ROOT)) {
      case "cpu" -> {}
      case "gpu" -> {
        int gpus = gpuCount.getAsInt();
        if (gpus == 0) {
          throw new IllegalArgumentException(
              "--device gpu: the PyTorch engine sees no GPU (this is the CPU build of libtorch);"
                  + " a GPU run needs "
                  + GPU_NEEDS);
        }
        throw new IllegalArgumentException(
            "--device gpu: the PyTorch engine sees "
                + gpus
                + " GPU(s), but depthscope's GPU path is not implemented yet; use --device cpu");
      }
      default ->
          throw new IllegalArgumentException("--device must be cpu or gpu, not \"" + device + "\"");
    }
  }
}
