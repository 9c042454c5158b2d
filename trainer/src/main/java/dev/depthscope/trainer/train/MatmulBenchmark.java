package dev.depthscope.trainer.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.depthscope.core.model.Engines;
import java.util.Locale;

/**
 * Measures this machine's float32 matmul rate with DJL (GFLOP/s), the yardstick for training
 * throughput: a run of {@code P} parameters on {@code N} tokens needs about {@code 6 * P * N}
 * FLOPs, so {@code rate / (6 * P)} bounds tokens per second. Run it with the trainer's classpath:
 *
 * <pre>
 *   java -cp "trainer/target/classes:$(cat cp.txt)" dev.depthscope.trainer.train.MatmulBenchmark
 *       [n ...]   (square sizes; default 256 512 1024)
 * </pre>
 *
 * Set {@code OMP_WAIT_POLICY=PASSIVE} when other processes share the cores.
 */
public final class MatmulBenchmark {
  private MatmulBenchmark() {}

  /** Prints GFLOP/s for each square size and the training shapes of parity-6L. */
  public static void main(String[] args) {
    int[] sizes = args.length == 0 ? new int[] {256, 512, 1024} : parse(args);
    try (NDManager m = Engines.newCpuManager()) {
      for (int n : sizes) {
        System.out.printf(Locale.ROOT, "square %5d: %7.1f GFLOP/s%n", n, gflops(m, n, n, n, 1.5));
      }
      // The largest matmul of a parity-6L step: [1024 tokens, 64] x [64, 4096] (the LM head).
      System.out.printf(
          Locale.ROOT, "lm head 1024x64x4096: %7.1f GFLOP/s%n", gflops(m, 1024, 64, 4096, 1.5));
      System.out.printf(
          Locale.ROOT, "mlp 1024x64x176: %7.1f GFLOP/s%n", gflops(m, 1024, 64, 176, 1.5));
    }
  }

  private static int[] parse(String[] args) {
    int[] s = new int[args.length];
    for (int i = 0; i < args.length; i++) {
      s[i] = Integer.parseInt(args[i]);
    }
    return s;
  }

  /** Best-of-repeats rate of {@code [a, k] x [k, b]} over about {@code seconds}. */
  public static double gflops(NDManager root, int a, int k, int b, double seconds) {
    try (NDManager m = root.newSubManager()) {
      NDArray x = m.randomNormal(new Shape(a, k));
      NDArray y = m.randomNormal(new Shape(k, b));
      for (int i = 0; i < 3; i++) {
        x.matMul(y).close();
      }
      double best = 0;
      long end = System.nanoTime() + (long) (seconds * 1e9);
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        int reps = 5;
        for (int i = 0; i < reps; i++) {
          NDArray z = x.matMul(y);
          z.getFloat(0, 0); // force completion
          z.close();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        best = Math.max(best, 2.0 * a * k * b * reps / s / 1e9);
      }
      return best;
    }
  }
}
