package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.config.ModelFamily;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

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
  void modelsJsonListsEverySupportedFamily() {
    Run r = run("models", "--json");
    assertEquals(0, r.code(), r.err());
    var json = JsonParser.parseString(r.out()).getAsJsonObject();
    java.util.Set<String> listed = new java.util.HashSet<>();
    for (var f : json.getAsJsonArray("families")) {
      listed.add(f.getAsJsonObject().get("model_type").getAsString());
      assertTrue(f.getAsJsonObject().has("config_keys"), f.toString());
    }
    assertEquals(new java.util.HashSet<>(ModelFamily.supportedTypes()), listed);
    assertTrue(json.getAsJsonArray("common_keys").size() > 5, r.out());
  }

  /** Every visible command but the built-in helpers. */
  private static final List<String> RESULT_COMMANDS =
      List.of(
          "inspect",
          "trace",
          "audit",
          "prune",
          "report",
          "compare",
          "train",
          "train-compare",
          "demo",
          "models");

  @Test
  void everyCommandWithAResultTakesQuietAndJsonAndModelRunnersTakeDevice() {
    CommandLine cl = Main.commandLine();
    java.util.Set<String> visible = new java.util.TreeSet<>();
    cl.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!sub.getCommandSpec().usageMessage().hidden()) {
                visible.add(name);
              }
            });
    visible.removeAll(List.of("help", "generate-completion"));
    assertEquals(new java.util.TreeSet<>(RESULT_COMMANDS), visible, "a new command? list it");
    List<String> runModels = List.of("trace", "audit", "train", "train-compare", "demo");
    for (String c : RESULT_COMMANDS) {
      var spec = cl.getSubcommands().get(c).getCommandSpec();
      assertNotNull(spec.findOption("--json"), c);
      assertNotNull(spec.findOption("--quiet"), c);
      assertEquals(runModels.contains(c), spec.findOption("--device") != null, c);
    }
  }

  @Test
  void everyCommandHasHelpWithExamples() {
    List<String> all = new java.util.ArrayList<>(RESULT_COMMANDS);
    all.addAll(List.of("generate-completion", "help"));
    for (String c : all) {
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
      assertTrue(r.out().contains("Examples:"), c + " help has no examples: " + r.out());
      assertTrue(r.out().contains("  depthscope "), c + " help has no example: " + r.out());
      assertTrue(!stderr.toString().contains("WARN"), c + " help text: " + stderr);
    }
  }

  @Test
  void auditJsonGoesToStdoutAlone(@TempDir Path tmp) {
    Path dir = TestData.model("qwen3-tiny-bf16");
    Run r =
        run(
            "audit",
            dir.toString(),
            "--token-ids",
            dir.resolve("reference/activations.safetensors").toString(),
            "--json",
            "--no-report",
            "--out",
            tmp.toString());
    assertEquals(0, r.code(), r.err());
    var json = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals("depthscope.audit/1", json.get("schema").getAsString());
  }

  @Test
  void inspectJsonIsMachineReadable() {
    Path dir = TestData.model("deepseek-v3-tiny-bf16");
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
