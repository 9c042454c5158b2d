package dev.depthscope.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import dev.depthscope.core.model.DecoderBlock;
import dev.depthscope.core.model.Engines;
import dev.depthscope.trainer.data.SyntheticLanguage;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every tensor autograd saves must outlive the backward pass, whatever the Java GC does meanwhile.
 * DJL's {@code mul(Number)} used to hand autograd a scalar in a Java direct buffer that it closed
 * at once; a GC between forward and backward freed it, and the demo's Pre-LN run got a NaN gradient
 * norm with a finite loss (then NaN everywhere).
 */
class GradientOwnershipTest {
  @TempDir Path tmp;

  @Test
  void scalarFactorsSurviveGarbageCollectionBeforeBackward() throws Exception {
    try (NDManager root = Engines.newCpuManager();
        NDManager m = root.newSubManager()) {
      NDArray x = m.create(new float[] {1f, -2f, 3f, 0.5f});
      x.setRequiresGradient(true);
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        NDArray y =
            DecoderBlock.scale(x, 0.25f)
                .add(
                    DecoderBlock.rmsNorm(
                            x.reshape(1, 4), m.ones(new ai.djl.ndarray.types.Shape(4)), 0f)
                        .sum());
        NDArray loss = y.sum();
        collectGarbage();
        gc.backward(loss);
      }
      // d/dx [0.25 x + 4 * sum(rmsnorm(x))]: 0.25 plus the exact rmsnorm term, computed here.
      double[] v = {1, -2, 3, 0.5};
      double ms = 0;
      double s = 0;
      for (double a : v) {
        ms += a * a / 4;
        s += a;
      }
      double r = 1 / Math.sqrt(ms);
      float[] g = x.getGradient().toFloatArray();
      for (int i = 0; i < 4; i++) {
        double expected = 0.25 + 4 * (r - s * v[i] * r * r * r / 4);
        assertEquals(expected, g[i], 1e-4, "grad[" + i + "]");
      }
    }
  }

  /**
   * The demo's failing configuration (6-layer Llama, d=64, lr 3e-3, batch 16, seq 64 on the
   * synthetic language) for 15 steps, once as is and once with the GC running continuously: every
   * loss and gradient norm is finite, and the two runs agree step for step.
   */
  @Test
  void demoQuickConfigIsFiniteAndUnaffectedByGarbageCollection() throws Exception {
    List<double[]> quiet = demoRun(false, "a");
    List<double[]> pressured = demoRun(true, "b");
    for (int s = 0; s < quiet.size(); s++) {
      double[] a = quiet.get(s);
      double[] b = pressured.get(s);
      assertTrue(Double.isFinite(a[1]) && Double.isFinite(a[2]), "step " + s + " " + a[2]);
      assertTrue(Double.isFinite(b[1]) && Double.isFinite(b[2]), "step " + s + " " + b[2]);
      assertArrayEquals(a, b, 1e-5 * Math.max(1, a[2]), "step " + s + " differs under GC");
    }
  }

  @Test
  void divergenceStopsTrainingAndNamesTheStep() {
    int[] ids = new int[3000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (i * 7 + i / 13) % 61;
    }
    TokenStream stream = TokenStream.of(ids, "synthetic");
    // An absurd learning rate: after one AdamW step the weights are ~1e30 and attention overflows.
    Hyperparameters hp =
        new Hyperparameters(5, 2, 16, 1e30, 1, 0.1, 0.0, 0.0, 0.9, 0.95, 1e-8, 1, 2, 0, 7L);
    TrainSpec spec =
        new TrainSpec(
            Norm.PRE,
            false,
            null,
            new ModelShape(2, 32, 4, 2, 64, 64),
            hp,
            stream,
            stream,
            null,
            tmp.resolve("diverge"));
    List<Integer> steps = new java.util.ArrayList<>();
    TrainingDivergedException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            TrainingDivergedException.class,
            () -> Trainer.run(spec, (s, loss, norm, lr, tps) -> steps.add(s)));
    assertEquals(steps.size(), e.step(), "steps before the failing one were all reported");
    assertTrue(e.step() >= 1, "step 0 runs on the finite init");
    assertTrue(e.getMessage().startsWith("training diverged at step " + e.step()), e.getMessage());
  }

  private List<double[]> demoRun(boolean gcPressure, String name) throws Exception {
    SyntheticLanguage lang = new SyntheticLanguage();
    TokenStream train = TokenStream.of(lang.stream(lang.sentences(7, 2000)), "train");
    TokenStream eval = TokenStream.of(lang.stream(lang.sentences(1_000_010, 200)), "eval");
    Hyperparameters hp =
        new Hyperparameters(15, 16, 64, 3e-3, 2, 0.1, 0.1, 1.0, 0.9, 0.95, 1e-8, 1, 4, 0, 7L);
    ModelShape shape = new ModelShape(6, 64, 4, 4, 176, lang.vocab().size());
    TrainSpec spec =
        new TrainSpec(Norm.PRE, false, null, shape, hp, train, eval, null, tmp.resolve(name));
    AtomicBoolean stop = new AtomicBoolean();
    Thread collector =
        new Thread(
            () -> {
              while (!stop.get()) {
                System.gc();
                try {
                  Thread.sleep(2);
                } catch (InterruptedException e) {
                  return;
                }
              }
            });
    if (gcPressure) {
      collector.start();
    }
    try {
      TrainResult r = Trainer.run(spec, StepListener.NONE);
      assertEquals(15, r.losses().size());
      return r.losses();
    } finally {
      stop.set(true);
      if (gcPressure) {
        collector.join();
      }
    }
  }

  /** A full GC, then time for the reference handler to run the direct buffers' cleaners. */
  private static void collectGarbage() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(50);
    }
  }
}
