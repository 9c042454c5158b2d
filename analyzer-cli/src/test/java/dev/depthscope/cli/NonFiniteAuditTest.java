package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.checkpoint.PatchedCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code audit} gives no verdict from non-finite numbers or from options it cannot honour: a NaN
 * weight, a block that overflows, a NaN threshold, an answer that is not an index, a batch too
 * large to hold all stop with exit 2, one line, and no audit.json ({@code trace} likewise writes
 * nothing from an overflowing block).
 */
class NonFiniteAuditTest {
  @TempDir Path tmp;

  /** Rows of token ids (all below the tiny fixtures' vocabulary of 4096) as a JSON file. */
  private Path ids(int rows, int tokens) throws IOException {
    StringBuilder b = new StringBuilder("[");
    for (int r = 0; r < rows; r++) {
      b.append(r == 0 ? "[" : ",[");
      for (int t = 0; t < tokens; t++) {
        b.append(t == 0 ? "" : ",").append((r * 131 + t * 17) % 4000);
      }
      b.append(']');
    }
    return Files.writeString(tmp.resolve("ids-" + rows + "x" + tokens + ".json"), b + "]");
  }

  private Run audit(Path model, String... extra) throws IOException {
    List<String> args = new ArrayList<>(List.of("audit", model.toString()));
    if (!List.of(extra).contains("--token-ids") && !List.of(extra).contains("--mc")) {
      args.addAll(List.of("--token-ids", ids(4, 12).toString()));
    }
    args.addAll(List.of(extra));
    args.addAll(List.of("--quiet", "--no-report", "--out", tmp.resolve("out").toString()));
    return Run.of(args.toArray(String[]::new));
  }

  /** Exit 2 with exactly one error line containing {@code expected}, and no audit.json. */
  private void assertRefused(Run r, String expected) {
    assertEquals(2, r.code(), r.err());
    List<String> lines =
        r.err().lines().filter(l -> !l.startsWith("depthscope: warning:")).toList();
    assertEquals(1, lines.size(), r.err());
    assertTrue(lines.get(0).startsWith("depthscope: error: "), r.err());
    assertTrue(lines.get(0).contains(expected), r.err());
    assertFalse(Files.exists(tmp.resolve("out/audit.json")), "no audit.json from a refused run");
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void aNanWeightIsReportedByTensorAndNothingIsWritten(boolean resident) throws IOException {
    String name = "model.layers.3.mlp.gate_proj.weight";
    Path model =
        PatchedCheckpoint.copyWith(
            TestData.model("llama-tiny-bf16"), tmp.resolve("m"), name, 7, Float.NaN);
    Run r = resident ? audit(model, "--resident") : audit(model);
    assertRefused(r, "tensor \"" + name + "\" has a non-finite weight (NaN) at element 7 ");
  }

  @Test
  void aBlockWhoseOutputOverflowsIsNamedWithItsBatch() throws IOException {
    Path model =
        PatchedCheckpoint.copyWith(
            TestData.model("llama-tiny-bf16"),
            tmp.resolve("m"),
            "model.layers.2.input_layernorm.weight",
            5,
            1e38f);
    Run r = audit(model, "--batch", "2");
    assertRefused(r, "block 2 (model.layers.2) produced a non-finite hidden state (");
    assertTrue(r.err().contains(" on batch 1 of 2"), r.err());
  }

  @Test
  void traceStopsAtTheOverflowingBlockToo() throws IOException {
    Path model =
        PatchedCheckpoint.copyWith(
            TestData.model("llama-tiny-bf16"),
            tmp.resolve("m"),
            "model.layers.1.post_attention_layernorm.weight",
            0,
            1e38f);
    Path out = tmp.resolve("trace.safetensors");
    Run r =
        Run.of(
            "trace",
            model.toString(),
            "--token-ids",
            ids(2, 12).toString(),
            "--out",
            out.toString(),
            "--quiet");
    assertEquals(2, r.code(), r.err());
    assertTrue(
        r.err().contains("block 1 (model.layers.1) produced a non-finite hidden state ("), r.err());
    assertFalse(Files.exists(out), "no trace written");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "-0.5"})
  void aThresholdThatIsNotAFiniteNonNegativeNumberIsRefused(String value) throws IOException {
    Run r = audit(TestData.model("llama-tiny-bf16"), "--threshold", value);
    assertRefused(r, "--threshold must be a finite number of at least 0");
  }

  @Test
  void anMcAnswerThatIsNotAnIndexIsRefusedWithItsLine() throws IOException {
    Path mc =
        Files.writeString(
            tmp.resolve("q.jsonl"),
            "{\"question\": \"Sky?\", \"choices\": [\"blue\", \"red\"], \"answer\": 1.7}\n");
    Run r = audit(TestData.model("llama-tiny-bf16"), "--mc", mc.toString());
    assertRefused(r, mc + ":1: field \"answer\" must be the 0-based index");
  }

  @Test
  void aSequenceWhoseAttentionMaskOverflowsAnArrayIsRefused() throws IOException {
    Path rows = ids(1, 50_000);
    Run r =
        audit(TestData.model("llama-tiny-bf16"), "--token-ids", rows.toString(), "--allow-longer");
    assertRefused(
        r, "more than 2^31 values, more than one array holds; lower --batch or --seq-len");
  }

  @Test
  void aBatchWhoseActivationsExceedTheMachinesMemoryIsRefused() throws IOException {
    // 8 rows of 46,000 tokens: the attention scores of one block alone are about 1 TiB.
    Path rows = ids(8, 46_000);
    Run r =
        audit(
            TestData.model("llama-tiny-bf16"),
            "--token-ids",
            rows.toString(),
            "--allow-longer",
            "--batch",
            "8");
    assertRefused(r, "for one block's activations, more than this machine's");
    assertTrue(r.err().contains("--batch 8 x --token-ids rows of 46000 tokens"), r.err());
  }
}
