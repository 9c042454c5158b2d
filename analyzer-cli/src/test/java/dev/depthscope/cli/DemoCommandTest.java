package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.reports.OfflineBrowser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shortened demo end to end: data, two trained models, two audits and one report, which opens
 * offline in a real browser with every chart decoded.
 */
class DemoCommandTest {

  @Test
  void quickDemoTrainsAuditsAndReportsBothSchemes(@TempDir Path tmp) throws Exception {
    Run r = Run.of("demo", "--quick", "--quiet", "--out", tmp.toString());
    assertEquals(0, r.code(), r.err());
    for (String f :
        new String[] {
          "report.html",
          "data/tokenizer.json",
          "data/train.txt",
          "pre/curves.json",
          "pre/audit.json",
          "pre/model/model.safetensors",
          "lns/audit.json",
          "lns/model/config.json"
        }) {
      assertTrue(Files.exists(tmp.resolve(f)), f);
    }
    for (String scheme : new String[] {"pre", "lns"}) {
      AuditResult a = AuditJson.read(tmp.resolve(scheme).resolve("audit.json"));
      assertEquals(6, a.model().layers());
      assertTrue(Double.isFinite(a.metrics().baselineNll()), scheme + " trained to finite loss");
      assertTrue(a.summary().varianceGrowth() > 0, scheme);
    }
    String html = Files.readString(tmp.resolve("report.html"));
    assertTrue(html.contains("Pre-LN") && html.contains("LNS"), "both models in the report");
    assertTrue(html.contains("data:image/png;base64,"), "charts embedded");
    for (String f : new String[] {"compare-variance.png", "compare-variance.svg"}) {
      assertTrue(Files.isRegularFile(tmp.resolve(f)), "by default PNG and SVG: " + f);
      assertTrue(html.contains("href=\"" + f + "\""), "the report links " + f);
    }
    try (OfflineBrowser browser = OfflineBrowser.start(tmp.resolve("browser"))) {
      browser.open(tmp.resolve("report.html"), 5);
      assertTrue(browser.bodyText().contains("LNS"), "the page shows both models");
    }
    String o = r.out();
    assertTrue(o.contains("Pre-LN") && o.contains("LNS") && o.contains("variance growth"), o);
    assertTrue(o.contains("LNS \u2212 Pre-LN") && o.contains("eval loss (nats)"), o);
    assertTrue(o.contains("intervals: 95% percentile bootstrap"), o);
    assertTrue(html.contains("What this run measured"), "the measured comparison in the report");
    JsonObject sc =
        JsonParser.parseString(Files.readString(tmp.resolve("scheme-comparison.json")))
            .getAsJsonObject()
            .getAsJsonObject("comparison");
    JsonObject lns = sc.getAsJsonArray("models").get(1).getAsJsonObject();
    AuditResult lnsAudit = AuditJson.read(tmp.resolve("lns").resolve("audit.json"));
    assertEquals(
        lnsAudit.metrics().baselineNll(),
        lns.getAsJsonObject("eval_loss").get("value").getAsDouble(),
        1e-4,
        "the comparison's eval loss is the audit's baseline on the same batches");
    assertEquals(
        lnsAudit.summary().varianceGrowth(),
        lns.getAsJsonObject("variance_growth").get("value").getAsDouble(),
        1e-3 * lnsAudit.summary().varianceGrowth());
    assertTrue(o.startsWith("model "), "under --quiet stdout starts with the table: " + o);
    assertTrue(o.contains("report: "), o);
  }

  @Test
  void demoJsonPrintsBothRunsWithTheirAudits(@TempDir Path tmp) throws Exception {
    Run r =
        Run.of(
            "demo",
            "--quick",
            "--steps",
            "2",
            "--json",
            "--out",
            tmp.toString(),
            "--figures",
            "png");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.isRegularFile(tmp.resolve("compare-variance.png")), "--figures png");
    assertFalse(Files.exists(tmp.resolve("compare-variance.svg")), "--figures png: no SVG");
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(tmp.resolve("report.html").toString(), o.get("report").getAsString());
    assertTrue(o.get("seconds").getAsDouble() > 0);
    JsonArray runs = o.getAsJsonArray("runs");
    assertEquals(2, runs.size());
    assertEquals("pre", runs.get(0).getAsJsonObject().get("norm").getAsString());
    assertEquals("lns", runs.get(1).getAsJsonObject().get("norm").getAsString());
    for (var run : runs) {
      JsonObject x = run.getAsJsonObject();
      assertEquals(2, x.get("steps").getAsInt());
      assertTrue(Files.isRegularFile(Path.of(x.get("audit").getAsString())), x.toString());
      assertTrue(x.getAsJsonObject("audit_summary").has("ineffective_layers"), x.toString());
    }
    assertFalse(r.err().contains("steps ("), "no progress bars with --json: " + r.err());
  }
}
