package dev.depthscope.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import java.util.Objects;

/**
 * Access to DJL's PyTorch engine, offline. DJL would otherwise try to download libtorch; the native
 * CPU build ships in our dependencies (a CUDA build can be put on the classpath instead), so we
 * tell it never to use the network.
 */
public final class Engines {
  private Engines() {}

  /** A new root manager on the CPU of the PyTorch engine: the default device. */
  public static NDManager newCpuManager() {
    return newManager(Device.cpu());
  }

  /**
   * A new root manager of the PyTorch engine on {@code device}. Every array created from it or its
   * sub-managers (including arrays created from Java buffers) lives on that device, so a model
   * whose root manager comes from here computes there. A GPU device the engine does not see (no
   * CUDA build of libtorch, or no such GPU) is refused with an {@link IllegalArgumentException}.
   */
  public static NDManager newManager(Device device) {
    Objects.requireNonNull(device, "device");
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    if (device.isGpu()) {
      // DJL hands out a GPU manager even when libtorch has no CUDA; the first array would then
      // fail deep inside libtorch with a page of dispatcher text. Refuse here, in one line.
      int gpus = Engine.getEngine("PyTorch").getGpuCount();
      if (device.getDeviceId() >= gpus) {
        throw new IllegalArgumentException(
            device
                + ": the PyTorch engine sees "
                + gpus
                + " GPU(s); a GPU run needs a CUDA build of libtorch matching DJL and an NVIDIA GPU");
      }
    }
    return NDManager.newBaseManager(device, "PyTorch");
  }

  /** The PyTorch engine's version string (e.g. for reports). */
  public static String pytorchVersion() {
    return Engine.getEngine("PyTorch").getVersion();
  }
}
