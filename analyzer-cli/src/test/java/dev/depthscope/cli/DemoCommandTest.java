package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    try (OfflineBrowser browser = OfflineBrowser.start(tmp.resolve("browser"))) {
      browser.open(tmp.resolve("report.html"), 5);
      assertTrue(browser.bodyText().contains("LNS"), "the page shows both models");
    }
    String o = r.out();
    assertTrue(o.contains("Pre-LN") && o.contains("LNS") && o.contains("variance growth"), o);
    assertTrue(o.contains("report: "), o);
  }
}
