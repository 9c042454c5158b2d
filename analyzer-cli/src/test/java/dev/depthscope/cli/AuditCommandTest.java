package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code depthscope audit} end to end: sources, audit.json, the console summary, errors. */
class AuditCommandTest {
  private static Run run(String... args) {
    return Run.of(args);
  }

  @Test
  void trainedPreLnModelShowsGrowingVarianceOnBrownText(@TempDir Path tmp) throws Exception {
    Path dir = TestData.fixture("trained/llama-24L-brown-pre");
    Path text = TestData.fixture("data/brown-eval.txt");
    Run r =
        run(
            "audit",
            dir.toString(),
            "--text",
            text.toString(),
            "--seq-len",
            "256",
            "--max-tokens",
            "1024",
            "--quiet",
            "--no-report",
            "--out",
            tmp.toString());
    assertEquals(0, r.code(), r.err());
    assertFalse(Files.exists(tmp.resolve("report.html")), "--no-report");
    AuditResult a = AuditJson.read(tmp.resolve("audit.json"));
    assertEquals(AuditResult.SCHEMA, a.schema());
    assertEquals(4, a.eval().sequences());
    assertEquals(256, a.eval().seqLen());
    assertEquals(4 * 255, a.eval().tokens());
    assertTrue(a.summary().varianceGrowth() > 1.5, "variance grows: " + a.summary());
    assertTrue(a.summary().logVarianceR2() > 0.5, "the fit explains the growth: " + a.summary());
    assertEquals(24, a.metrics().pruningDeltaNll().length);
    assertEquals(24, a.uncertainty().pruningDeltaNll().size());
    for (int l = 0; l < 24; l++) {
      double[] ci = a.uncertainty().pruningDeltaNll().get(l);
      assertTrue(ci[0] <= ci[1], "interval ordered at " + l);
    }
    assertTrue(r.out().contains("variance growth"), r.out());
    assertTrue(r.out().contains("r^2"), r.out());
    assertTrue(r.out().contains("ineffective blocks"), r.out());
  }

  @Test
  void tokenIdsAndMultipleChoiceCombine(@TempDir Path tmp) throws Exception {
    Path dir = TestData.model("qwen3-tiny-bf16");
    Path ids = dir.resolve("reference/activations.safetensors");
    Path mc =
        Files.writeString(
            tmp.resolve("q.csv"),
            "\"The sky is\",blue,green,\"loud, very\",red,A\nOne two,three,four,five,six,b\n");
    Path out = tmp.resolve("out");
    Run r =
        run(
            "audit",
            dir.toString(),
            "--token-ids",
            ids.toString(),
            "--mc",
            mc.toString(),
            "--quiet",
            "--figures",
            "svg",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    AuditResult a = AuditJson.read(out.resolve("audit.json"));
    assertEquals(2, a.eval().mcQuestions());
    assertNotNull(a.metrics().mcAccuracy());
    assertEquals(4, a.metrics().mcAccuracyDelta().length);
    assertEquals(4, a.uncertainty().mcAccuracyDelta().size());
    assertTrue(a.eval().source().contains("mc:q.csv"), a.eval().source());
    String json = Files.readString(out.resolve("audit.json"));
    for (String key :
        new String[] {
          "\"schema\"",
          "\"model\"",
          "\"eval\"",
          "\"metrics\"",
          "\"uncertainty\"",
          "\"summary\"",
          "\"timings\"",
          "\"versions\"",
          "\"last_token_angular_matrix\"",
          "\"pruning_delta_nll\""
        }) {
      assertTrue(json.contains(key), key);
    }
    try (var files = Files.list(out)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().startsWith(".")));
    }
    for (String f : new String[] {"report.html", "layers.csv", "mc-accuracy-delta.svg"}) {
      assertTrue(Files.isRegularFile(out.resolve(f)), "report next to audit.json: " + f);
    }
    try (var files = Files.list(out)) {
      assertFalse(files.anyMatch(p -> p.toString().endsWith(".png")), "--figures svg: no PNG");
    }
    assertTrue(r.out().contains("report.html"), r.out());
  }

  @Test
  void auditShowsASweepBarWithEtaUnlessQuietOrJson(@TempDir Path tmp) {
    Path dir = TestData.model("qwen3-tiny-bf16");
    String ids = dir.resolve("reference/activations.safetensors").toString();
    String out = tmp.toString();
    Run loud = run("audit", dir.toString(), "--token-ids", ids, "--no-report", "--out", out);
    assertEquals(0, loud.code(), loud.err());
    assertTrue(loud.err().contains("audit 100% [") && loud.err().contains("passes ("), loud.err());
    assertTrue(loud.err().contains("auditing "), loud.err());
    Run quiet =
        run(
            "audit",
            dir.toString(),
            "--token-ids",
            ids,
            "--no-report",
            "--out",
            out,
            "--quiet",
            "--force");
    assertEquals(0, quiet.code(), quiet.err());
    assertEquals("", quiet.err(), "--quiet: nothing on stderr");
    Run json =
        run(
            "audit",
            dir.toString(),
            "--token-ids",
            ids,
            "--no-report",
            "--out",
            out,
            "--json",
            "--force");
    assertEquals(0, json.code(), json.err());
    assertFalse(json.err().contains("%"), "no bar with --json: " + json.err());
  }

  @Test
  void residentAuditLoadsBehindALoadBar(@TempDir Path tmp) {
    Path dir = TestData.model("qwen3-tiny-bf16");
    String ids = dir.resolve("reference/activations.safetensors").toString();
    Run r =
        run(
            "audit",
            dir.toString(),
            "--token-ids",
            ids,
            "--resident",
            "--no-report",
            "--out",
            tmp.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("load 100% [") && r.err().contains("4/4 blocks"), r.err());
  }

  @Test
  void withoutAnEvalSourceTheErrorSaysWhatToPass(@TempDir Path tmp) {
    Path dir = TestData.model("qwen3-tiny-bf16");
    Run r = run("audit", dir.toString(), "--out", tmp.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("--text") && r.err().contains("--token-ids"), r.err());
    Run both = run("audit", dir.toString(), "--text", "a.txt", "--token-ids", "b.json");
    assertEquals(2, both.code());
  }

  @Test
  void badMultipleChoiceFileNamesTheLine(@TempDir Path tmp) throws Exception {
    Path dir = TestData.model("qwen3-tiny-bf16");
    Path mc =
        Files.writeString(
            tmp.resolve("q.jsonl"),
            "{\"question\": \"a\", \"choices\": [\"b\", \"c\"], \"answer\": 0}\n"
                + "{\"question\": \"a\", \"choices\": [\"b\", \"c\"], \"answer\": 5}\n");
    Path out = tmp.resolve("out");
    Run r = run("audit", dir.toString(), "--mc", mc.toString(), "--out", out.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("q.jsonl:2"), r.err());
    assertFalse(Files.exists(out), "nothing written");
    try (var files = Files.list(tmp)) {
      assertFalse(files.anyMatch(p -> p.getFileName().toString().contains("staging")));
    }
  }
}
