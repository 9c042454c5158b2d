package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.eval.TokenIdsFile;
import dev.depthscope.core.model.CausalLm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The audit's logit lens of every fixture matches transformers (testdata/mechanism, made by the
 * script beside it) within 1e-4, and its last layer is the audit's baseline NLL.
 */
class LogitLensTest {
  static Stream<String> fixtures() {
    return Stream.concat(TestData.denseModels(), TestData.moeModels());
  }

  @ParameterizedTest
  @MethodSource("fixtures")
  void logitLensMatchesTransformersAndEndsAtTheBaseline(String name) throws Exception {
    Path dir = TestData.model(name);
    JsonObject ref =
        JsonParser.parseString(
                Files.readString(TestData.fixture("mechanism/logit-lens-reference.json")))
            .getAsJsonObject()
            .getAsJsonObject(name);
    long[][] ids = TokenIdsFile.read(dir.resolve("reference/activations.safetensors"));
    AuditResult r;
    try (CausalLm lm = CausalLm.open(dir, n -> {})) {
      r =
          LayerAudit.run(
              lm,
              dir,
              new LayerAudit.Inputs("token-ids", ids, null),
              LayerAudit.Options.of(0.01, 2)
                  .withMechanism(MechanismProbe.Options.DEFAULT.withLogitLens(true)));
    }
    MechanismResult m = r.mechanism();
    int layers = r.model().layers();
    assertEquals(layers + 1, m.logitLensNll().length);
    assertEquals(r.metrics().baselineNll(), m.logitLensNll()[layers], 0.0, "lens at L = baseline");
    assertEquals(1.0, m.logitLensTop1Agreement()[layers]);
    JsonArray nll = ref.getAsJsonArray("logit_lens_nll");
    JsonArray agree = ref.getAsJsonArray("logit_lens_top1_agreement");
    for (int l = 0; l <= layers; l++) {
      assertEquals(nll.get(l).getAsDouble(), m.logitLensNll()[l], 1e-4, name + " nll at " + l);
      assertEquals(
          agree.get(l).getAsDouble(), m.logitLensTop1Agreement()[l], 1e-4, name + " top-1 at " + l);
    }
  }
}
