package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config with an absurd size, or one that disagrees with its checkpoint, fails {@code inspect}
 * and {@code audit} at once (well under 2 s) with one {@code depthscope: error:} line and exit 2,
 * instead of an out-of-memory trace or a hang.
 */
class ConfigLimitsCommandTest {
  private static final long BOUND_MILLIS = 2_000;

  @TempDir Path tmp;

  /**
   * A copy of fixture {@code name} whose config has {@code field} set to the JSON {@code value};
   * the other files are symlinks to the fixture's.
   */
  private Path withField(String name, String field, String value) throws IOException {
    Path fixture = TestData.model(name);
    Path dir = Files.createDirectory(tmp.resolve(name + "-" + field));
    try (Stream<Path> files = Files.list(fixture)) {
      for (Path f : files.toList()) {
        if (!f.getFileName().toString().equals("config.json")) {
          Files.createSymbolicLink(dir.resolve(f.getFileName()), f.toAbsolutePath());
        }
      }
    }
    JsonObject c =
        JsonParser.parseString(Files.readString(fixture.resolve("config.json"))).getAsJsonObject();
    c.add(field, JsonParser.parseString(value));
    Files.writeString(dir.resolve("config.json"), c.toString());
    return dir;
  }

  /** Runs {@code args}, checks exit 2, one error line, the time bound; returns the line. */
  private static String quickError(String... args) {
    long start = System.nanoTime();
    Run r = Run.of(args);
    long millis = (System.nanoTime() - start) / 1_000_000;
    assertEquals(2, r.code(), r.err());
    assertEquals(1, r.err().lines().count(), r.err());
    String line = r.err().strip();
    assertTrue(line.startsWith("depthscope: error: "), line);
    assertFalse(line.contains("Exception") || line.contains("\tat "), line);
    assertTrue(millis < BOUND_MILLIS, "took " + millis + " ms: " + line);
    assertEquals("", r.out());
    return line;
  }

  @Test
  void inspectRefusesTwoToTheThirtyOneLayersWithTheRange() throws IOException {
    Path dir = withField("llama-tiny-bf16", "num_hidden_layers", "2147483647");
    String line = quickError("inspect", dir.toString());
    assertTrue(line.contains(dir.resolve("config.json").toString()), line);
    assertTrue(line.contains("\"num_hidden_layers\" is 2147483647; expected 1..1024"), line);
  }

  @Test
  void inspectRefusesAHundredMillionMoeLayers() throws IOException {
    for (String name : new String[] {"deepseek-v3-tiny-bf16", "qwen3-moe-tiny-bf16"}) {
      Path dir = withField(name, "num_hidden_layers", "100000000");
      String line = quickError("inspect", dir.toString());
      assertTrue(line.contains("\"num_hidden_layers\" is 100000000; expected 1..1024"), line);
    }
  }

  @Test
  void inspectRefusesTwoToTheThirtyOneExperts() throws IOException {
    // Qwen3-MoE reads 0 experts as a dense model.
    String[][] cases = {
      {"mixtral-tiny-fp32", "num_local_experts", "1..4096"},
      {"qwen3-moe-tiny-bf16", "num_local_experts", "0..4096"},
      {"deepseek-v3-tiny-bf16", "n_routed_experts", "1..4096"}
    };
    for (String[] c : cases) {
      Path dir = withField(c[0], c[1], "2147483647");
      String line = quickError("inspect", dir.toString());
      assertTrue(line.contains("\"" + c[1] + "\" is 2147483647; expected " + c[2]), line);
    }
  }

  @Test
  void inspectAndAuditReportAHiddenSizeTheEmbeddingDisagreesWith() throws IOException {
    Path dir = withField("qwen3-tiny-bf16", "hidden_size", "128");
    String inspect = quickError("inspect", dir.toString());
    assertTrue(inspect.contains(dir.resolve("config.json").toString()), inspect);
    assertTrue(
        inspect.contains("hidden_size = 128")
            && inspect.contains("model.embed_tokens.weight")
            && inspect.contains("[4096, 64]"),
        inspect);
    String ids =
        TestData.model("qwen3-tiny-bf16").resolve("reference/activations.safetensors").toString();
    String audit =
        quickError(
            "audit",
            dir.toString(),
            "--token-ids",
            ids,
            "--no-report",
            "--quiet",
            "--out",
            tmp.resolve("out").toString());
    assertEquals(inspect, audit);
  }

  @Test
  void inspectReportsLayersTheCheckpointDoesNotHold() throws IOException {
    Path dir = withField("llama-tiny-bf16", "num_hidden_layers", "6");
    String line = quickError("inspect", dir.toString());
    assertTrue(
        line.contains("num_hidden_layers is 6, but the checkpoint has no tensors for layer 4"),
        line);
  }

  @Test
  void inspectRefusesAMemoryEstimateBeyondSixtyFourBits() {
    String line =
        quickError(
            "inspect",
            TestData.model("llama-tiny-bf16").toString(),
            "--seq-len",
            "2147483647",
            "--batch",
            "2147483647");
    assertTrue(line.contains("does not fit in 64 bits"), line);
  }
}
