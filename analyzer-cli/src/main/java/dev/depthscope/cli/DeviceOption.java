package dev.depthscope.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.List;
import java.util.Locale;
import java.util.function.IntSupplier;
import picocli.CommandLine.Option;

/**
 * {@code --device cpu|gpu}, shared as a picocli mixin by the commands that run a model, which then
 * open the model (or train it) on the device {@link #require()} returns. {@code gpu} means the
 * first GPU the PyTorch engine sees; when it sees none (the CPU build of libtorch we ship) it is
 * refused with a one-line message that says what a GPU run needs, before any model is loaded,
 * rather than silently running on the CPU.
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

  /**
   * The device to compute on, checked before anything loads: the PyTorch engine is asked for GPUs
   * only when {@code gpu} is asked for.
   */
  Device require() {
    return require(device, () -> Engine.getEngine("PyTorch").getGpuCount());
  }

  /** {@link #require()} with the GPU count supplied (for tests). */
  static Device require(String device, IntSupplier gpuCount) {
    return switch (device.toLowerCase(Locale.ROOT)) {
      case "cpu" -> Device.cpu();
      case "gpu" -> {
        if (gpuCount.getAsInt() == 0) {
          throw new IllegalArgumentException(
              "--device gpu: the PyTorch engine sees no GPU (this is the CPU build of libtorch);"
                  + " a GPU run needs "
                  + GPU_NEEDS);
        }
        yield Device.gpu();
      }
      default ->
          throw new IllegalArgumentException("--device must be cpu or gpu, not \"" + device + "\"");
    };
  }
}
