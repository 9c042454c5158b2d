package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.MechanismResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit --jacobian --jacobian-probes K --logit-lens} end to end, and their errors. */
class MechanismOptionsTest {
  @Test
  void jacobianAndLogitLensReachAuditJsonAndLayersCsv(@TempDir Path tmp) throws Exception {
    Path dir = TestData.model("llama-tiny-bf16");
    Path ids = dir.resolve("reference/activations.safetensors");
    Run r =
        Run.of(
            "audit",
            dir.toString(),
            "--token-ids",
            ids.toString(),
            "--jacobian-probes",
            "3",
            "--logit-lens",
            "--quiet",
            "--figures",
            "png",
            "--out",
            tmp.toString());
    assertEquals(0, r.code(), r.err());
    MechanismResult m = AuditJson.read(tmp.resolve("audit.json")).mechanism();
    assertEquals(3, m.jacobianProbes());
    assertEquals(4, m.jacobianDeviation().length);
    assertEquals(5, m.logitLensNll().length);
    String header = Files.readAllLines(tmp.resolve("layers.csv")).get(0);
    assertTrue(header.contains("jacobian_deviation") && header.contains("logit_lens_nll"), header);
    assertTrue(Files.isRegularFile(tmp.resolve("mechanism.png")));
  }

  @Test
  void withoutOptionsOnlyTheUpdateNormIsMeasured(@TempDir Path tmp) throws Exception {
    Path dir = TestData.model("llama-tiny-bf16");
    Path ids = dir.resolve("reference/activations.safetensors");
    Run r =
        Run.of(
            "audit",
            dir.toString(),
            "--token-ids",
            ids.toString(),
            "--quiet",
            "--no-report",
            "--out",
            tmp.toString());
    assertEquals(0, r.code(), r.err());
    MechanismResult m = AuditJson.read(tmp.resolve("audit.json")).mechanism();
    assertNull(m.jacobianDeviation());
    assertNull(m.logitLensNll());
    assertEquals(4, m.relativeUpdateNorm().length);
  }

  @Test
  void badProbeCountAndMultipleChoiceOnlyAreRefused(@TempDir Path tmp) throws Exception {
    Path dir = TestData.model("llama-tiny-bf16");
    Path ids = dir.resolve("reference/activations.safetensors");
    Run zero =
        Run.of(
            "audit",
            dir.toString(),
            "--token-ids",
            ids.toString(),
            "--jacobian-probes",
            "0",
            "--out",
            tmp.resolve("a").toString());
    assertNotEquals(0, zero.code());
    assertTrue(zero.err().contains("--jacobian-probes must be at least 1"), zero.err());
    Path mc = Files.writeString(tmp.resolve("q.csv"), "One two,three,four,five,six,b\n");
    Run mcOnly =
        Run.of(
            "audit",
            dir.toString(),
            "--mc",
            mc.toString(),
            "--jacobian",
            "--out",
            tmp.resolve("b").toString());
    assertNotEquals(0, mcOnly.code());
    assertTrue(mcOnly.err().contains("--jacobian needs"), mcOnly.err());
  }
}
