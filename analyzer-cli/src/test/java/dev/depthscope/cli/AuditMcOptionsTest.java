package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code audit --mc} with lm-eval's mmlu prompt, 5-shot: {@code audit.json}'s {@code mc} and the
 * baseline lines of {@code mc_samples.jsonl} are lm-evaluation-harness's numbers ({@code
 * testdata/mc/lmeval-llama-tiny-bf16.json}); the few-shot options are checked before the model
 * opens.
 */
class AuditMcOptionsTest {
  @Test
  void mmluFiveShotWritesLmEvalsScoresAndSamples(@TempDir Path tmp) throws Exception {
    Path mc = TestData.fixture("mc");
    Run r =
        Run.of(
            "audit",
            TestData.model("llama-tiny-bf16").toString(),
            "--mc",
            mc.resolve("mmlu-test.csv").toString(),
            "--mc-format",
            "mmlu",
            "--mc-subject",
            "brown_corpus",
            "--mc-fewshot",
            "5",
            "--mc-dev",
            mc.resolve("mmlu-dev.csv").toString(),
            "--batch",
            "8",
            "--quiet",
            "--no-report",
            "--out",
            tmp.toString());
    assertEquals(0, r.code(), r.err());
    JsonObject ref =
        JsonParser.parseString(Files.readString(mc.resolve("lmeval-llama-tiny-bf16.json")))
            .getAsJsonObject()
            .getAsJsonObject("sets")
            .getAsJsonObject("mmlu-5shot");
    AuditResult a = AuditJson.read(tmp.resolve("audit.json"));
    assertEquals(ref.get("acc").getAsDouble(), a.mc().acc(), 1e-12);
    assertEquals(ref.get("acc_norm").getAsDouble(), a.mc().accNorm(), 1e-12);
    assertEquals("mmlu, subject brown_corpus, 5-shot", a.mc().format());
    assertEquals(4, a.mc().prunedAccNorm().length);
    List<String> lines = Files.readAllLines(tmp.resolve("mc_samples.jsonl"));
    JsonArray qs = ref.getAsJsonArray("questions");
    assertEquals(5 * qs.size(), lines.size(), "baseline + 4 removed blocks, per question");
    for (int q = 0; q < qs.size(); q++) {
      JsonObject line = JsonParser.parseString(lines.get(q)).getAsJsonObject();
      assertTrue(line.get("removed_block").isJsonNull());
      assertEquals(q, line.get("doc_id").getAsInt());
      JsonArray want = qs.get(q).getAsJsonObject().getAsJsonArray("loglik");
      JsonArray got = line.getAsJsonArray("loglik");
      for (int c = 0; c < 4; c++) {
        assertEquals(want.get(c).getAsDouble(), got.get(c).getAsDouble(), 1e-4);
      }
    }
    assertEquals(
        0,
        JsonParser.parseString(lines.get(qs.size()))
            .getAsJsonObject()
            .get("removed_block")
            .getAsInt());
    assertTrue(r.out().contains("acc_norm"), r.out());
  }

  @Test
  void fewshotWithoutADevFileIsRefusedBeforeTheModelOpens(@TempDir Path tmp) {
    Run r =
        Run.of(
            "audit",
            TestData.model("llama-tiny-bf16").toString(),
            "--mc",
            TestData.fixture("mc").resolve("mmlu-test.csv").toString(),
            "--mc-fewshot",
            "5",
            "--out",
            tmp.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--mc-fewshot 5 takes its examples from --mc-dev FILE"), r.err());
    assertFalse(r.err().contains("opening"), r.err());
  }
}
