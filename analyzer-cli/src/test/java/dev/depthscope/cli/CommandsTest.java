package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.checkpoint.SafetensorsFile;
import dev.depthscope.core.checkpoint.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code inspect} and {@code trace} commands on every fixture, and their errors. */
class CommandsTest {
  private static Run run(String... args) {
    return Run.of(args);
  }

  @ParameterizedTest
  @MethodSource("dev.depthscope.core.TestData#denseModels")
  void inspectAndTraceWorkOnEveryDenseFixture(String name, @TempDir Path tmp) throws Exception {
    Path dir = TestData.model(name);
    Run inspect = run("inspect", dir.toString());
    assertEquals(0, inspect.code(), inspect.err());
    String arch =
        com.google.gson.JsonParser.parseString(Files.readString(dir.resolve("config.json")))
            .getAsJsonObject()
            .getAsJsonArray("architectures")
            .get(0)
            .getAsString();
    assertTrue(inspect.out().contains(arch), inspect.out());
    assertTrue(inspect.out().contains("fp32 forward memory"), inspect.out());

    Path ref = dir.resolve("reference/activations.safetensors");
    Path out = tmp.resolve("trace.safetensors");
    Run trace =
        run("trace", dir.toString(), "--token-ids", ref.toString(), "--out", out.toString());
    assertEquals(0, trace.code(), trace.err());
    try (SafetensorsFile got = SafetensorsFile.open(out);
        SafetensorsFile want = SafetensorsFile.open(ref)) {
      for (String t : new String[] {"hidden_states", "token_nll", "logits_last"}) {
        TensorInfo g = got.info(t);
        assertArrayEquals(want.info(t).shape(), g.shape(), t);
      }
      assertArrayEquals(want.readLongs("input_ids"), got.readLongs("input_ids"));
      assertArrayEquals(want.readFloats("token_nll"), got.readFloats("token_nll"), 1e-4f);
    }
  }

  @ParameterizedTest
  @MethodSource("dev.depthscope.core.TestData#moeModels")
  void inspectAndTraceWorkOnEveryMoeFixture(String name, @TempDir Path tmp) throws Exception {
    Path dir = TestData.model(name);
    Run inspect = run("inspect", dir.toString());
    assertEquals(0, inspect.code(), inspect.err());
    assertTrue(inspect.out().contains("active per token"), inspect.out());
    assertTrue(inspect.out().contains("active parameters"), inspect.out());
    assertFalse(inspect.out().contains("stored in the files"), "count matches: " + inspect.out());
    assertEquals(name.startsWith("deepseek"), inspect.out().contains("kv_lora_rank 32"));

    Path ref = dir.resolve("reference/activations.safetensors");
    Path out = tmp.resolve("trace.safetensors");
    Run trace =
        run("trace", dir.toString(), "--token-ids", ref.toString(), "--out", out.toString());
    assertEquals(0, trace.code(), trace.err());
    assertTrue(trace.out().contains("expert load layer"), trace.out());
    try (SafetensorsFile got = SafetensorsFile.open(out);
        SafetensorsFile want = SafetensorsFile.open(ref)) {
      assertArrayEquals(want.info("hidden_states").shape(), got.info("hidden_states").shape());
      assertArrayEquals(want.readFloats("token_nll"), got.readFloats("token_nll"), 1e-4f);
      long[] ids = want.info("input_ids").shape();
      long[] shape = got.info("expert_load").shape();
      long[] load = got.readLongs("expert_load");
      long layers = want.info("hidden_states").shape()[0] - 1;
      assertEquals(layers, shape[0]);
      // Every MoE layer's counts add up to tokens * top-k (2 for every fixture); dense: -1.
      for (int l = 0; l < layers; l++) {
        long sum = 0;
        for (int e = 0; e < shape[1]; e++) {
          sum += load[(int) (l * shape[1] + e)];
        }
        assertTrue(
            sum == ids[0] * ids[1] * 2 || sum == -shape[1], "layer " + l + " load sum " + sum);
      }
    }
  }

  @Test
  void denseTraceHasNoExpertLoad(@TempDir Path tmp) throws Exception {
    Path dir = TestData.model("qwen3-tiny-bf16");
    Path ids = Files.writeString(tmp.resolve("ids.json"), "[[0, 5, 9, 200]]");
    Path out = tmp.resolve("t.safetensors");
    Run r = run("trace", dir.toString(), "--token-ids", ids.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    assertFalse(r.out().contains("expert load"), r.out());
    try (SafetensorsFile f = SafetensorsFile.open(out)) {
      assertFalse(f.tensors().containsKey("expert_load"));
    }
  }

  @Test
  void traceJsonPrintsTheSummaryAndTheOutputFile(@TempDir Path tmp) throws Exception {
    Path dir = TestData.model("qwen3-moe-tiny-bf16");
    Path ids = Files.writeString(tmp.resolve("ids.json"), "[[0, 5, 9, 200], [0, 7, 7, 3]]");
    Path out = tmp.resolve("t.safetensors");
    Run r =
        run(
            "trace",
            dir.toString(),
            "--token-ids",
            ids.toString(),
            "--out",
            out.toString(),
            "--json");
    assertEquals(0, r.code(), r.err());
    com.google.gson.JsonObject o =
        com.google.gson.JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(out.toString(), o.get("output").getAsString());
    assertEquals(2, o.get("sequences").getAsInt());
    assertEquals(4, o.get("seq_len").getAsInt());
    assertEquals(6, o.get("predicted_tokens").getAsInt());
    double nll = o.get("mean_nll").getAsDouble();
    assertEquals(Math.exp(nll), o.get("perplexity").getAsDouble(), 1e-9 * Math.exp(nll));
    int layers = o.get("layers").getAsInt();
    assertEquals(layers, o.getAsJsonArray("expert_load").size(), "a MoE model: load per layer");
    assertTrue(Files.isRegularFile(out));
    assertFalse(r.err().contains("load 100%"), "no progress bar with --json: " + r.err());
  }

  @Test
  void traceShowsLoadingAndForwardBarsUnlessQuiet(@TempDir Path tmp) throws Exception {
    Path dir = TestData.model("llama-tiny-bf16");
    Path ids = Files.writeString(tmp.resolve("ids.json"), "[[0, 5, 9, 200]]");
    String out = tmp.resolve("t.safetensors").toString();
    Run loud = run("trace", dir.toString(), "--token-ids", ids.toString(), "--out", out);
    assertEquals(0, loud.code(), loud.err());
    assertTrue(loud.err().contains("load 100%") && loud.err().contains("blocks"), loud.err());
    assertTrue(loud.err().contains("forward 100%"), "a bar over the pass's blocks: " + loud.err());
    Run quiet =
        run(
            "trace",
            dir.toString(),
            "--token-ids",
            ids.toString(),
            "--out",
            out,
            "--quiet",
            "--force");
    assertEquals(0, quiet.code(), quiet.err());
    assertEquals("", quiet.err(), "--quiet: nothing on stderr");
    assertTrue(quiet.out().contains("mean NLL"), quiet.out());
  }

  @Test
  void traceReadsJsonTokenIds(@TempDir Path tmp) throws Exception {
    Path dir = TestData.model("llama-tiny-bf16");
    Path ids = Files.writeString(tmp.resolve("ids.json"), "[[0, 5, 9, 200], [0, 7, 7, 3]]");
    Path out = tmp.resolve("t.safetensors");
    Run r = run("trace", dir.toString(), "--token-ids", ids.toString(), "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    try (SafetensorsFile f = SafetensorsFile.open(out)) {
      assertArrayEquals(new long[] {5, 2, 4, 64}, f.info("hidden_states").shape());
      assertArrayEquals(new long[] {2, 3}, f.info("token_nll").shape());
    }
  }

  @Test
  void badInputGivesOneLineErrorAndExitCode2(@TempDir Path tmp) throws Exception {
    Path dir = TestData.model("llama-tiny-bf16");
    Path ids = Files.writeString(tmp.resolve("ids.json"), "[[0, 5, 99999]]");
    Path out = tmp.resolve("t.safetensors");
    Run r = run("trace", dir.toString(), "--token-ids", ids.toString(), "--out", out.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("99999") && r.err().contains("vocabulary"), r.err());
    assertFalse(r.err().contains("\tat "), "no stack trace without --verbose: " + r.err());
    assertFalse(Files.exists(out), "no output on failure");

    Run missing = run("inspect", tmp.resolve("nope").toString());
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("nope"), missing.err());

    Files.writeString(tmp.resolve("config.json"), "{\"model_type\": \"gpt2\"}");
    Run unsupported = run("inspect", tmp.toString());
    assertEquals(2, unsupported.code());
    assertTrue(unsupported.err().contains("llama, mistral, qwen2, qwen3"), unsupported.err());

    Run usage = run("trace", dir.toString());
    assertEquals(2, usage.code());
  }
}
