package dev.depthscope.core.analysis;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.function.UnaryOperator;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;

/**
 * How far a block's derivative is from the identity, measured on real hidden states: for a map F (a
 * decoder block) applied to a batch H {@code [B, T, D]}, with J its Jacobian over all B x T x D
 * inputs, Hutchinson's identity {@code ||A||_F^2 = E ||A^T v||^2} (v standard normal) estimates
 * {@code ||J - I||_F^2} from K vector-Jacobian products {@code (J - I)^T v}: one forward pass under
 * autograd, then K backward passes of {@code F(H) - H} seeded with v, reusing the graph. The
 * block's output along the way gives the update norm {@code ||F(H) - H||_F} exactly.
 *
 * <p>Sequences of a batch are independent under a causal block (no position attends across rows),
 * so J is block diagonal over rows and every per-row quantity is reported separately: the caller
 * sums rows across batches and resamples them for intervals. Everything is deterministic given
 * {@code seed}: the probes are drawn in Java from a seeded generator. Sums are float64.
 *
 * <p>The derivative is whatever autograd sees: in a mixture-of-experts block the routing (which
 * experts, with what weights) is computed outside the graph, so it is held at its value and only
 * the experts' and the rest of the block's derivatives count (see docs/MECHANISM.md).
 */
public final class JacobianProbe {
  private JacobianProbe() {}

  /**
   * One batch's measurements, per row of the batch.
   *
   * @param probeSquares {@code [K][B]}: {@code ||((J - I)^T v_k)_row||^2}, each an unbiased
   *     estimate of the row's {@code ||J_row - I||_F^2}
   * @param updateSquares {@code [B]}: {@code ||F(H)_row - H_row||^2}
   * @param inputSquares {@code [B]}: {@code ||H_row||^2}
   * @param entriesPerRow T x D, the inputs of one row (the identity's {@code ||I||_F^2})
   */
  public record Batch(
      double[][] probeSquares, double[] updateSquares, double[] inputSquares, long entriesPerRow) {}

  /**
   * Measures {@code f} at {@code h} ({@code [B, T, D]}, not changed) with {@code probes} probes
   * drawn from {@code seed}. {@code f} must be differentiable with NDArray operations and return an
   * array of h's shape; every array made here is freed before returning.
   */
  public static Batch measure(UnaryOperator<NDArray> f, NDArray h, int probes, long seed) {
    if (probes < 1) {
      throw new IllegalArgumentException("need at least one probe, got " + probes);
    }
    Shape shape = h.getShape();
    int rows = Math.toIntExact(shape.get(0));
    int perRow = Math.toIntExact(shape.size() / rows);
    float[] input = h.toFloatArray();
    double[][] probeSquares = new double[probes][];
    double[] updateSquares;
    RandomGenerator rng = new Well19937c(seed);
    try (NDManager m = h.getManager().newSubManager();
        GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray x = m.create(input, shape);
      x.setRequiresGradient(true);
      NDArray u = f.apply(x).sub(x);
      float[] update = u.toFloatArray();
      updateSquares = rowSquares(update, rows, perRow);
      float[] v = new float[input.length];
      for (int k = 0; k < probes; k++) {
        for (int i = 0; i < v.length; i++) {
          v[i] = (float) rng.nextGaussian();
        }
        try (NDArray seedGrad = m.create(v, shape)) {
          // d<v, F(H) - H>/dH = (J - I)^T v; the graph is kept for the next probe.
          JniUtils.backward((PtNDArray) u, (PtNDArray) seedGrad, k + 1 < probes, false);
        }
        try (NDArray g = x.getGradient()) {
          probeSquares[k] = rowSquares(g.toFloatArray(), rows, perRow);
        }
        JniUtils.zeroGrad((PtNDArray) x);
      }
    }
    return new Batch(probeSquares, updateSquares, rowSquares(input, rows, perRow), perRow);
  }

  /** The squared Euclidean norm of each of {@code rows} consecutive runs of {@code perRow}. */
  static double[] rowSquares(float[] x, int rows, int perRow) {
    double[] out = new double[rows];
    for (int r = 0; r < rows; r++) {
      double s = 0;
      for (int i = r * perRow, end = i + perRow; i < end; i++) {
        s += (double) x[i] * x[i];
      }
      out[r] = s;
    }
    return out;
  }
}
