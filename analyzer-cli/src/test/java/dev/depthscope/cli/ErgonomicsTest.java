package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.depthscope.core.SharedFixtures;
import dev.depthscope.core.config.ModelFamily;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Help, the family list, machine output and shell completion. */
class ErgonomicsTest {
  private static Run run(String... args) {
    return Run.of(args);
  }

  @Test
  void modelsListsEverySupportedFamily() {
    Run r = run("models");
    assertEquals(0, r.code());
    for (String t : ModelFamily.supportedTypes()) {
      assertTrue(r.out().contains(t + " "), t + " missing from: " + r.out());
    }
  }

  @Test
  void everyCommandHasHelpWithAnExample() {
    for (String c :
        new String[] {
          "inspect", "trace", "audit", "report", "compare", "train", "train-compare", "demo"
        }) {
      java.io.ByteArrayOutputStream stderr = new java.io.ByteArrayOutputStream();
      java.io.PrintStream saved = System.err;
      Run r;
      try {
        // picocli reports a help text it cannot format (a stray %) on System.err.
        System.setErr(new java.io.PrintStream(stderr, true));
        r = run(c, "--help");
      } finally {
        System.setErr(saved);
      }
      assertEquals(0, r.code(), c);
      assertTrue(r.out().contains("Example"), c + " help has no example: " + r.out());
      assertTrue(!stderr.toString().contains("WARN"), c + " help text: " + stderr);
    }
  }

  @Test
  void auditJsonGoesToStdoutAlone(@TempDir Path tmp) {
    Path dir = SharedFixtures.model("qwen3-tiny-bf16");
    Run r =
        run(
            "audit",
            dir.toString(),
            "--token-ids",
            dir.resolve("reference/activations.safetensors").toString(),
            "--json",
            "--quiet",
            "--no-report",
            "--out",
            tmp.toString());
    assertEquals(0, r.code(), r.err());
    var json = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals("depthscope.audit/1", json.get("schema").getAsString());
  }

  @Test
  void inspectJsonIsMachineReadable() {
    Path dir = SharedFixtures.model("deepseek-v3-tiny-bf16");
    Run r = run("inspect", dir.toString(), "--json");
    assertEquals(0, r.code(), r.err());
    var json = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(4, json.getAsJsonObject("config").get("num_layers").getAsInt());
    assertTrue(
        json.get("active_parameters").getAsLong() < json.get("parameters").getAsLong(),
        "a MoE model activates fewer parameters than it has");
    assertEquals("BF16", json.get("dtype_on_disk").getAsString());
  }

  @Test
  void completionScriptIsGenerated() {
    Run r = run("generate-completion");
    assertEquals(0, r.code());
    assertTrue(r.out().contains("depthscope"), r.out().substring(0, 200));
  }
}
