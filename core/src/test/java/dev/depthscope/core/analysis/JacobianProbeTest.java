package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.depthscope.core.TestData;
import dev.depthscope.core.eval.TokenIdsFile;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.Trace;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hutchinson's estimate of {@code ||J - I||_F} agrees with the exact norm of the full Jacobian, and
 * the audit's mechanism numbers agree with direct computations from a traced forward pass.
 */
class JacobianProbeTest {
  private static final String MODEL = "llama-tiny-sharded-fp32";

  @Test
  void hutchinsonEstimateIsWithinThreeStandardErrorsOfTheExactJacobianNorm() {
    Path dir = TestData.model(MODEL);
    long[][] ids = {{5, 17, 301, 42}};
    try (CausalLm lm = CausalLm.open(dir, n -> {});
        NDManager m = lm.manager().newSubManager();
        AttentionInputs att = lm.attentionInputs(m, ids[0].length)) {
      int layer = 1;
      NDArray h = lm.block(0, lm.embed(m, ids), att); // real h_1
      UnaryOperator<NDArray> f = x -> lm.block(layer, x, att);
      double exact = exactSquaredDeviation(f, h);
      int probes = 1200;
      JacobianProbe.Batch est = JacobianProbe.measure(f, h, probes, 7L);
      double[] q = new double[probes];
      for (int k = 0; k < probes; k++) {
        q[k] = est.probeSquares()[k][0];
      }
      double mean = Arrays.stream(q).average().orElseThrow();
      double sd =
          Math.sqrt(Arrays.stream(q).map(v -> (v - mean) * (v - mean)).sum() / (probes - 1));
      double se = sd / Math.sqrt(probes);
      assertTrue(exact > 0);
      assertTrue(
          Math.abs(mean - exact) < 3 * se, "estimate " + mean + " +- " + se + " vs exact " + exact);
      // The standard error is small enough for the check to mean something.
      assertTrue(se < 0.05 * exact, "relative standard error " + se / exact);
      assertEquals(ids[0].length * 64L, est.entriesPerRow());
    }
  }

  /**
   * {@code ||J - I||_F^2} from one vector-Jacobian product per basis vector: every row of J - I.
   */
  private static double exactSquaredDeviation(UnaryOperator<NDArray> f, NDArray h) {
    Shape shape = h.getShape();
    int n = Math.toIntExact(shape.size());
    double total = 0;
    try (NDManager m = h.getManager().newSubManager();
        GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
      NDArray x = m.create(h.toFloatArray(), shape);
      x.setRequiresGradient(true);
      NDArray u = f.apply(x).sub(x);
      float[] basis = new float[n];
      for (int i = 0; i < n; i++) {
        basis[i] = 1f;
        try (NDArray e = m.create(basis, shape)) {
          JniUtils.backward((PtNDArray) u, (PtNDArray) e, i + 1 < n, false);
        }
        basis[i] = 0f;
        for (float g : x.getGradient().toFloatArray()) {
          total += (double) g * g;
        }
        JniUtils.zeroGrad((PtNDArray) x);
      }
    }
    return total;
  }

  @Test
  void relativeUpdateNormIsTheDirectRatioAndTheJacobianIsDeterministic() {
    Path dir = TestData.model(MODEL);
    long[][] ids = TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
    LayerAudit.Options opt =
        LayerAudit.Options.of(0.01, 1)
            .withMechanism(MechanismProbe.Options.DEFAULT.withJacobian(3));
    LayerAudit.Inputs in = new LayerAudit.Inputs("token-ids", ids, null);
    MechanismResult a;
    MechanismResult b;
    Trace trace;
    try (CausalLm lm = CausalLm.open(dir, n -> {})) {
      a = LayerAudit.run(lm, dir, in, opt).mechanism();
      b = LayerAudit.run(lm, dir, in, opt).mechanism();
      trace = lm.trace(ids);
    }
    int layers = trace.layers();
    for (int l = 0; l < layers; l++) {
      float[] h = trace.hiddenStates()[l];
      float[] next = trace.hiddenStates()[l + 1];
      double u = 0;
      double x = 0;
      for (int i = 0; i < h.length; i++) {
        double d = (double) next[i] - h[i];
        u += d * d;
        x += (double) h[i] * h[i];
      }
      assertEquals(Math.sqrt(u / x), a.relativeUpdateNorm()[l], 1e-12 * Math.sqrt(u / x));
      double[] ci = a.relativeUpdateNormInterval().get(l);
      assertTrue(ci[0] <= ci[1]);
      double[] dci = a.jacobianDeviationInterval().get(l);
      assertTrue(dci[0] <= a.jacobianDeviation()[l] && a.jacobianDeviation()[l] <= dci[1]);
      assertTrue(a.jacobianDeviation()[l] > 0);
    }
    assertArrayEquals(a.jacobianDeviation(), b.jacobianDeviation(), "seeded: bit for bit");
    assertArrayEquals(a.jacobianRelativeSe(), b.jacobianRelativeSe());
    assertEquals(3, a.jacobianProbes());
    assertEquals(false, a.routingHeldFixed());
  }

  @Test
  void streamingLoadsEachBlockOncePerPassAndMeasuresTheSame(@TempDir Path spill) {
    Path dir = TestData.model("qwen3-moe-tiny-bf16");
    long[][] ids = TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
    LayerAudit.Inputs in = new LayerAudit.Inputs("token-ids", ids, null);
    MechanismProbe.Options mech =
        MechanismProbe.Options.DEFAULT.withJacobian(2).withLogitLens(true);
    AuditResult resident;
    try (CausalLm lm = CausalLm.open(dir, n -> {}, CausalLm.Residency.RESIDENT)) {
      resident = LayerAudit.run(lm, dir, in, LayerAudit.Options.of(0.01, 1).withMechanism(mech));
    }
    AuditResult streamed;
    long loads;
    try (CausalLm lm = CausalLm.open(dir, n -> {}, CausalLm.Residency.STREAMING)) {
      streamed =
          LayerAudit.run(
              lm,
              dir,
              in,
              new LayerAudit.Options(0.01, 1, new PruningSweep.Settings(1024, spill, null))
                  .withMechanism(mech));
      loads = lm.blockLoads();
    }
    int layers = resident.model().layers();
    RemovedSet cut = streamed.summary().cut();
    int cutPass = cut == null || cut.blocks().size() < 2 ? 0 : layers - cut.blocks().size();
    // The sweep reads every block once per chunk, the probes and the lens included (they run on
    // the block the sweep has loaded), however many probes there are.
    int chunks = AuditPlan.of(layers, in, 1).chunks().size();
    assertEquals(
        layers * chunks + cutPass, loads, "the probes reuse the block the sweep has loaded");
    MechanismResult a = resident.mechanism();
    MechanismResult b = streamed.mechanism();
    assertArrayEquals(a.jacobianDeviation(), b.jacobianDeviation());
    assertArrayEquals(a.relativeUpdateNorm(), b.relativeUpdateNorm());
    assertArrayEquals(a.logitLensNll(), b.logitLensNll());
    assertEquals(true, b.routingHeldFixed());
  }
}
