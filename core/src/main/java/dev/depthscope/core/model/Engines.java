package dev.depthscope.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;

/**
 * Access to DJL's PyTorch engine, offline. DJL would otherwise try to download libtorch; the native
 * CPU build ships in our dependencies, so we tell it never to use the network.
 */
public final class Engines {
  private Engines() {}

  /** A new root manager on the CPU of the PyTorch engine. */
  public static NDManager newCpuManager() {
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    return NDManager.newBaseManager(Device.cpu(), "PyTorch");
  }

  /** The PyTorch engine's version string (e.g. for reports). */
  public static String pytorchVersion() {
    return Engine.getEngine("PyTorch").getVersion();
  }
}
