package dev.depthscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.analysis.AuditResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.opentest4j.AssertionFailedError;

/**
 * Opens a single and a comparison report in a browser ({@link OfflineBrowser}: Chromium, or
 * HtmlUnit where Chromium is not installed): every image decodes, the page makes no request but for
 * itself and its data: URIs, and a model named {@code <script>...} shows as text without running.
 */
class BrowserReportTest {
  private static final String EVIL = "<script>window.pwned=1</script>";

  @TempDir static Path tmp;
  private static OfflineBrowser browser;

  @BeforeAll
  static void startBrowser() throws Exception {
    browser = OfflineBrowser.start(tmp);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void singleReportLoadsOfflineAndShowsTheInjectedNameAsText() throws Exception {
    AuditResult evil = Samples.renamed(Samples.audit(Samples.MOE), EVIL);
    Path html = ReportWriter.single(evil, tmp.resolve("single"));
    browser.open(html, 6);
    String body = browser.bodyText();
    assertTrue(body.contains("Layer audit: " + EVIL), "the name shows as text");
    assertTrue(body.contains("Signs of") || body.contains("blocks"), "a verdict in words");
    // Each chart links its PNG and SVG files beside the page; open() saw that none was loaded.
    List<WebElement> links = browser.driver().findElements(By.cssSelector("figure p.files a"));
    assertEquals(12, links.size(), "a PNG and an SVG link for each of the 6 charts");
    for (WebElement link : links) {
      String href = link.getAttribute("href");
      String file = href.substring(href.lastIndexOf('/') + 1);
      assertEquals(file.endsWith(".svg") ? "SVG" : "PNG", link.getText(), href);
      assertTrue(Files.isRegularFile(html.resolveSibling(file)), href);
    }
    browser.screenshot(html.resolveSibling("screenshot.png"));
  }

  @Test
  void compareReportLoadsOffline() throws Exception {
    List<AuditResult> audits =
        List.of(
            Samples.renamed(Samples.audit(Samples.QWEN_MC), EVIL),
            Samples.audit(Samples.LLAMA_PRE));
    Path html =
        ReportWriter.compare(
            audits,
            TrainingCurves.read(Samples.path(Samples.TRAINER_CURVES)),
            tmp.resolve("compare"));
    browser.open(html, 6);
    String table = browser.driver().findElement(By.id("summaries")).getText();
    assertTrue(browser.bodyText().contains(EVIL));
    assertTrue(table.contains("Summaries"), table);
    browser.screenshot(html.resolveSibling("screenshot.png"));
  }

  @Test
  void theImageCheckSeesAnImageThatDoesNotDecode() throws Exception {
    // Control: a data: URI that is not a PNG must fail the check that every image decoded.
    Path page =
        Files.writeString(
            tmp.resolve("broken.html"), "<img alt=\"broken\" src=\"data:image/png;base64,AAAA\">");
    AssertionFailedError e = assertThrows(AssertionFailedError.class, () -> browser.open(page, 1));
    assertTrue(e.getMessage().contains("image did not decode: broken"), e.getMessage());
  }

  @Test
  void theNetworkCheckSeesARequest() throws Exception {
    // Control: a page that loads an image from a (closed) local port must be caught.
    Path page =
        Files.writeString(tmp.resolve("control.html"), "<img src=\"http://127.0.0.1:9/x.png\">");
    browser.requestsBesides("");
    browser.driver().get(page.toUri().toString());
    assertEquals(
        List.of("http://127.0.0.1:9/x.png"), browser.requestsBesides(page.toUri().toString()));
  }
}
