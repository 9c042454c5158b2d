package dev.depthscope.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device of a training run: a spec that names none trains on the CPU, variants keep the device
 * they were given, and naming the CPU explicitly trains exactly like the default. Nothing here runs
 * on a GPU (the build machines have none).
 */
class TrainSpecDeviceTest {
  @TempDir Path tmp;

  private static TokenStream stream() {
    int[] ids = new int[3000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (i * 7 + i / 13) % 61;
    }
    return TokenStream.of(ids, "synthetic");
  }

  private TrainSpec spec(String out) {
    Hyperparameters hp =
        new Hyperparameters(4, 4, 32, 3e-3, 1, 0.1, 0.1, 1.0, 0.9, 0.95, 1e-8, 1, 4, 0, 7L);
    TokenStream s = stream();
    return new TrainSpec(
        Norm.PRE,
        false,
        null,
        new ModelShape(2, 32, 4, 2, 64, 64),
        hp,
        s,
        s,
        null,
        tmp.resolve(out));
  }

  @Test
  void aSpecThatNamesNoDeviceTrainsOnTheCpuAndVariantsKeepTheirDevice() {
    TrainSpec base = spec("a");
    assertEquals(Device.cpu(), base.device());
    assertEquals(Device.cpu(), base.on(null).device());
    TrainSpec gpu = base.on(Device.gpu());
    assertEquals(Device.gpu(), gpu.device());
    assertEquals(Device.gpu(), gpu.with(Norm.LNS, tmp.resolve("b")).device());
    assertEquals(Device.cpu(), base.with(Norm.LNS, tmp.resolve("b")).device());
  }

  @Test
  void trainingOnTheCpuExplicitlyMatchesTheDefaultRunExactly() throws Exception {
    TrainResult byDefault = Trainer.run(spec("default"), StepListener.NONE);
    TrainResult explicit = Trainer.run(spec("explicit").on(Device.cpu()), StepListener.NONE);
    assertEquals(byDefault.losses().size(), explicit.losses().size());
    for (int i = 0; i < byDefault.losses().size(); i++) {
      assertArrayEquals(byDefault.losses().get(i), explicit.losses().get(i), "step " + i);
    }
    assertEquals(byDefault.finalEvalLoss(), explicit.finalEvalLoss());
  }
}
