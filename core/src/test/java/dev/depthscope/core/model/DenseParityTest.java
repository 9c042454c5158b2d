package dev.depthscope.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.checkpoint.SafetensorsFile;
import dev.depthscope.core.checkpoint.TensorInfo;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Our forward pass equals transformers' on every dense-family fixture: hidden states within {@code
 * 1e-4 * (1 + max|ref|)}, token NLL within 1e-4, last logits within 1e-3.
 */
class DenseParityTest {

  @ParameterizedTest
  @MethodSource("dev.depthscope.core.TestData#denseModels")
  void forwardMatchesTransformersReference(String name) {
    assertTraceMatchesReference(name);
  }

  /**
   * Runs {@link CausalLm#trace} on the fixture's reference input ids, asserts the tolerances above
   * and prints the measured errors; returns the trace for further checks.
   */
  static Trace assertTraceMatchesReference(String name) {
    Path dir = TestData.model(name);
    try (SafetensorsFile ref =
            SafetensorsFile.open(dir.resolve("reference/activations.safetensors"));
        CausalLm model = CausalLm.open(dir)) {
      TensorInfo idsInfo = ref.info("input_ids");
      long[] flat = ref.readLongs("input_ids");
      int b = (int) idsInfo.shape()[0];
      int t = (int) idsInfo.shape()[1];
      long[][] ids = new long[b][t];
      for (int r = 0; r < b; r++) {
        System.arraycopy(flat, r * t, ids[r], 0, t);
      }
      Trace trace = model.trace(ids);

      float[] refHidden = ref.readFloats("hidden_states");
      int per = b * t * model.config().hiddenSize();
      assertEquals(refHidden.length, per * (model.config().numLayers() + 1));
      double worst = 0;
      for (int l = 0; l <= model.config().numLayers(); l++) {
        double maxRef = 0;
        double maxErr = 0;
        for (int i = 0; i < per; i++) {
          maxRef = Math.max(maxRef, Math.abs(refHidden[l * per + i]));
          maxErr = Math.max(maxErr, Math.abs(refHidden[l * per + i] - trace.hiddenStates()[l][i]));
        }
        double tol = 1e-4 * (1 + maxRef);
        worst = Math.max(worst, maxErr / (1 + maxRef));
        assertTrue(maxErr <= tol, name + ": h_" + l + " max error " + maxErr + " exceeds " + tol);
      }
      float[] refNll = ref.readFloats("token_nll");
      float[] refLogits = ref.readFloats("logits_last");
      System.out.printf(
          java.util.Locale.ROOT,
          "parity %-24s hidden max|err|/(1+max|ref|) %.2e  token_nll %.2e  logits_last %.2e%n",
          name,
          worst,
          maxAbsDiff(refNll, trace.tokenNll()),
          maxAbsDiff(refLogits, trace.logitsLast()));
      assertArrayEquals(refNll, trace.tokenNll(), 1e-4f, name + ": token_nll");
      assertArrayEquals(refLogits, trace.logitsLast(), 1e-3f, name + ": logits_last");
      return trace;
    }
  }

  private static double maxAbsDiff(float[] a, float[] b) {
    double m = 0;
    for (int i = 0; i < Math.min(a.length, b.length); i++) {
      m = Math.max(m, Math.abs(a[i] - b[i]));
    }
    return m;
  }
}
