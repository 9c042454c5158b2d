package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dev.depthscope.core.TestData;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --device}: cpu maps to the CPU, gpu to the first GPU when the engine sees one and
 * otherwise to an error naming what a GPU run needs, anything else is a usage error. The GPU
 * mapping is checked with a supplied GPU count; nothing here runs on a GPU (there is none).
 */
class DeviceOptionTest {
  @Test
  void cpuMapsToTheCpuWithoutAskingForGpus() {
    Device d =
        DeviceOption.require(
            "cpu",
            () -> {
              throw new AssertionError("cpu must not probe for GPUs");
            });
    assertEquals(Device.cpu(), d);
    assertEquals(Device.cpu(), DeviceOption.require("CPU", () -> 0));
  }

  @Test
  void gpuWithoutAGpuNamesTheCudaBuildItNeeds() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> DeviceOption.require("gpu", () -> 0));
    assertTrue(e.getMessage().contains("no GPU"), e.getMessage());
    assertTrue(e.getMessage().contains("libtorch 2.7.1"), e.getMessage());
    assertTrue(e.getMessage().contains("pytorch-native-cu"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void gpuWithAGpuMapsToTheFirstGpu(int gpus) {
    Device d = DeviceOption.require("gpu", () -> gpus);
    assertTrue(d.isGpu(), d.toString());
    assertEquals(0, d.getDeviceId());
    assertEquals(Device.gpu(), d);
  }

  @Test
  void anUnknownDeviceIsRefused() {
    var e =
        assertThrows(IllegalArgumentException.class, () -> DeviceOption.require("tpu", () -> 0));
    assertTrue(e.getMessage().contains("cpu or gpu"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"audit", "trace", "train", "train-compare", "demo"})
  void gpuOnThisCpuOnlyMachineIsAOneLineErrorWithExitCode2(String command, @TempDir Path tmp) {
    Path dir = TestData.model("qwen3-tiny-bf16");
    String ids = dir.resolve("reference/activations.safetensors").toString();
    String out = tmp.resolve("out").toString();
    List<String> args = new ArrayList<>(List.of(command, "--device", "gpu", "--out", out));
    switch (command) {
      case "audit", "trace" -> args.addAll(List.of(dir.toString(), "--token-ids", ids));
      case "train", "train-compare" ->
          args.addAll(List.of("--train-tokens", "a.u16", "--eval-tokens", "b.u16"));
      default -> {}
    }
    Run r = Run.of(args.toArray(String[]::new));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().startsWith("depthscope: error: --device gpu:"), r.err());
    // This machine has the CPU build of libtorch only (with a CUDA build and a GPU it would run).
    assertTrue(r.err().contains("sees no GPU") && r.err().contains("libtorch 2.7.1"), r.err());
    assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
    assertFalse(r.err().contains("\tat "), r.err());
  }
}
