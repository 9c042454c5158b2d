package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.eval.TokenIdsFile;
import dev.depthscope.core.model.CausalLm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The raw material of a scheme comparison, on fixtures with a transformers reference: the eval loss
 * is the reference baseline NLL, the variance growth is the reference variance of h_L over h_1, and
 * the deep half removed in the same pass costs what {@link JointRemoval} measures for that set.
 */
class DepthMeasuresTest {

  @ParameterizedTest
  @ValueSource(strings = {"llama-tiny-bf16", "qwen2-tiny-tied", "mixtral-tiny-fp32"})
  void figuresMatchTheReferenceAndTheJointRemoval(String name) throws Exception {
    Path dir = TestData.model(name);
    JsonObject ref =
        JsonParser.parseString(Files.readString(dir.resolve("reference/metrics.json")))
            .getAsJsonObject();
    long[][] ids = TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
    int half = ids.length / 2;
    List<long[][]> batches =
        List.of(Arrays.copyOfRange(ids, 0, half), Arrays.copyOfRange(ids, half, ids.length));
    try (CausalLm lm = CausalLm.open(dir)) {
      int layers = lm.config().numLayers();
      DepthMeasures m = DepthMeasures.measure(lm, batches);
      assertEquals(DepthMeasures.deepHalfFirst(layers), m.deepHalfFirst());
      assertEquals(ids.length, m.tokens().length);
      assertEquals(ref.get("baseline_nll").getAsDouble(), m.evalLoss(), 1e-4, name);
      JsonArray variance = ref.getAsJsonArray("variance");
      double growth = variance.get(layers).getAsDouble() / variance.get(1).getAsDouble();
      assertEquals(growth, m.varianceGrowth(), 1e-4 * growth, name);
      // Equal batches: the eval loss is also the mean of the per-batch means.
      double[] bl = m.batchLoss();
      assertEquals(m.evalLoss(), (bl[0] * half + bl[1] * (ids.length - half)) / ids.length, 1e-9);

      int[] deep = new int[layers - m.deepHalfFirst()];
      for (int i = 0; i < deep.length; i++) {
        deep[i] = m.deepHalfFirst() + i;
      }
      JointRemoval.Result r =
          JointRemoval.run(
              lm, batches, List.of(new int[0], deep), PruningSweep.Settings.inMemory());
      double base = 0;
      double cut = 0;
      double count = 0;
      for (int b = 0; b < batches.size(); b++) {
        for (int k = 0; k < r.nll()[b][0].length; k++) {
          base += r.nll()[b][0][k];
          cut += r.nll()[b][1][k];
          count++;
        }
      }
      assertEquals((cut - base) / count, m.deepHalfDelta(), 1e-5, name + " deep half");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-tiny-bf16", "qwen3-tiny-bf16"})
  void deepHalfJacobianIsTheRootMeanSquareOfTheAuditsPerBlockDeviation(String name) {
    Path dir = TestData.model(name);
    long[][] ids = TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
    int probes = 3;
    LayerAudit.Options opt =
        LayerAudit.Options.of(0.01, ids.length)
            .withMechanism(MechanismProbe.Options.DEFAULT.withJacobian(probes));
    try (CausalLm lm = CausalLm.open(dir)) {
      int layers = lm.config().numLayers();
      MechanismResult audit =
          LayerAudit.run(lm, dir, new LayerAudit.Inputs("token-ids", ids, null), opt).mechanism();
      DepthMeasures m = DepthMeasures.measure(lm, List.<long[][]>of(ids), probes);
      int first = m.deepHalfFirst();
      double squares = 0;
      for (int l = first; l < layers; l++) {
        squares += audit.jacobianDeviation()[l] * audit.jacobianDeviation()[l];
      }
      double expected = Math.sqrt(squares / (layers - first));
      assertEquals(expected, m.deepHalfJacobianDeviation(), 1e-4 * expected, name);
      assertEquals(probes, m.jacobianProbes());
      assertTrue(
          Double.isNaN(
              DepthMeasures.measure(lm, List.<long[][]>of(ids)).deepHalfJacobianDeviation()));
    }
  }
}
