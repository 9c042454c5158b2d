package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.RemovalSearchResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code audit --search}: the sets in audit.json, the report's chart and table, the errors. */
class RemovalSearchCommandTest {
  private static String ids(String model) {
    return TestData.model(model).resolve("reference/activations.safetensors").toString();
  }

  @Test
  void searchAllWritesEveryStrategyAndTheReportShowsThem(@TempDir Path tmp) throws Exception {
    String model = TestData.model("llama-tiny-sharded-fp32").toString();
    Run r =
        Run.of(
            "audit",
            model,
            "--token-ids",
            ids("llama-tiny-sharded-fp32"),
            "--search",
            "all",
            "--remove-up-to",
            "4",
            "--threshold",
            "0.5",
            "--out",
            tmp.toString());
    assertEquals(0, r.code(), r.err());
    AuditResult a = AuditJson.read(tmp.resolve("audit.json"));
    RemovalSearchResult s = a.removalSearch();
    assertEquals(4, s.removeUpTo());
    assertEquals(4, s.greedy().size());
    assertEquals(4, s.contiguousByAngle().size());
    assertEquals(4, s.contiguousByNll().size());
    assertTrue(s.blockEvaluations() > 0);
    String json = Files.readString(tmp.resolve("audit.json"));
    assertTrue(json.contains("\"removal_search\"") && json.contains("\"sum_of_single_deltas\""));
    String html = Files.readString(tmp.resolve("report.html"));
    assertTrue(html.contains("NLL increase vs number of blocks removed"), "the chart");
    assertTrue(html.contains("Blocks removed together"), "the table");
    assertTrue(Files.exists(tmp.resolve("removal-search.png")));
    assertTrue(Files.exists(tmp.resolve("removal-search.svg")));
    if (a.summary().cut() != null && a.summary().cut().blocks().size() > 1) {
      assertTrue(r.out().contains("removed together"), r.out());
      assertTrue(r.out().contains("measured"), r.out());
    }
    assertFalse(r.out().contains("a pruner could cut"), "no unmeasured claim: " + r.out());
  }

  @Test
  void withoutSearchThereIsNoRemovalSearchButTheCutIsMeasured(@TempDir Path tmp) throws Exception {
    Run r =
        Run.of(
            "audit",
            TestData.model("qwen3-tiny-bf16").toString(),
            "--token-ids",
            ids("qwen3-tiny-bf16"),
            "--threshold",
            "1e6",
            "--quiet",
            "--no-report",
            "--out",
            tmp.toString());
    assertEquals(0, r.code(), r.err());
    AuditResult a = AuditJson.read(tmp.resolve("audit.json"));
    assertNull(a.removalSearch());
    assertEquals(a.summary().runBlocks(), a.summary().cut().blocks());
    assertTrue(r.out().contains("removed together"), r.out());
  }

  @Test
  void searchSizesAndSourcesAreChecked(@TempDir Path tmp) {
    String model = TestData.model("qwen3-tiny-bf16").toString();
    Run tooMany =
        Run.of(
            "audit",
            model,
            "--token-ids",
            ids("qwen3-tiny-bf16"),
            "--search",
            "greedy",
            "--remove-up-to",
            "4",
            "--out",
            tmp.toString());
    assertEquals(2, tooMany.code());
    assertTrue(tooMany.err().contains("--remove-up-to must be between 1 and 3"), tooMany.err());
    Run alone =
        Run.of("audit", model, "--token-ids", ids("qwen3-tiny-bf16"), "--remove-up-to", "2");
    assertEquals(2, alone.code());
    assertTrue(alone.err().contains("pass --search as well"), alone.err());
    Path mc = TestData.fixture("data/brown-eval.txt");
    Run noNll = Run.of("audit", model, "--mc", mc.toString(), "--search", "all");
    assertEquals(2, noNll.code());
    assertTrue(noNll.err().contains("--search measures NLL"), noNll.err());
    Run bad = Run.of("audit", model, "--token-ids", ids("qwen3-tiny-bf16"), "--search", "best");
    assertEquals(2, bad.code());
  }
}
