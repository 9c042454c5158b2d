package dev.depthscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.SharedFixtures;
import dev.depthscope.core.analysis.AuditResult;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * Opens a single and a comparison report in a real headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs): every image decodes, the page makes no
 * request but for itself and its data: URIs, and a model named {@code <script>...} shows as text
 * without running. Nothing is downloaded: the driver and browser paths are explicit, so Selenium
 * Manager is never asked. Without the browser the test is skipped, or fails when {@code
 * depthscope.requireFixtures=true} (CI).
 */
class BrowserReportTest {
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path BROWSER = Path.of("/usr/bin/chromium");
  private static final String EVIL = "<script>window.pwned=1</script>";

  @TempDir static Path tmp;
  private static ChromeDriverService service;
  private static ChromeDriver driver;

  @BeforeAll
  static void startBrowser() throws Exception {
    if (!Files.isExecutable(DRIVER) || !Files.isExecutable(BROWSER)) {
      String what = DRIVER + " and " + BROWSER + " (apt-get install chromium chromium-driver)";
      if (SharedFixtures.required()) {
        fail("missing " + what + " and " + SharedFixtures.REQUIRE_PROPERTY + "=true");
      }
      abort("missing " + what + "; skipped");
    }
    System.setProperty("webdriver.chrome.driver", DRIVER.toString());
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(tmp.resolve("chromedriver.log").toFile())
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1280,900",
        "--user-data-dir=" + Files.createDirectory(tmp.resolve("profile")));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stopBrowser() {
    if (driver != null) {
      driver.quit();
    }
    if (service != null) {
      service.stop();
    }
  }

  @Test
  void singleReportLoadsOfflineAndShowsTheInjectedNameAsText() throws Exception {
    AuditResult evil = Samples.renamed(Samples.audit(Samples.MOE), EVIL);
    Path html = ReportWriter.single(evil, tmp.resolve("single"));
    open(html, 6);
    String body = driver.findElement(By.tagName("body")).getText();
    assertTrue(body.contains("Layer audit: " + EVIL), "the name shows as text");
    assertTrue(body.contains("Signs of") || body.contains("blocks"), "a verdict in words");
    screenshot(html.resolveSibling("screenshot.png"));
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
    open(html, 6);
    String table = driver.findElement(By.id("summaries")).getText();
    assertTrue(driver.findElement(By.tagName("body")).getText().contains(EVIL));
    assertTrue(table.contains("Summaries"), table);
    screenshot(html.resolveSibling("screenshot.png"));
  }

  /** Loads the page and checks images, script and network; expects at least {@code images}. */
  private static void open(Path html, int images) {
    driver.manage().logs().get(LogType.PERFORMANCE); // drop entries of earlier pages
    String url = html.toUri().toString();
    driver.get(url);
    JavascriptExecutor js = driver;
    assertEquals("complete", js.executeScript("return document.readyState"));
    List<WebElement> imgs = driver.findElements(By.tagName("img"));
    assertTrue(imgs.size() >= images, imgs.size() + " images");
    for (WebElement img : imgs) {
      Number w = (Number) js.executeScript("return arguments[0].naturalWidth", img);
      assertTrue(
          Boolean.TRUE.equals(js.executeScript("return arguments[0].complete", img))
              && w.intValue() > 0,
          "image did not decode: " + img.getAttribute("alt"));
    }
    assertEquals(
        "undefined", js.executeScript("return typeof window.pwned"), "injected script ran");
    assertEquals(0L, js.executeScript("return document.scripts.length"), "no script element");
    @SuppressWarnings("unchecked")
    List<String> resources =
        (List<String>)
            js.executeScript(
                "return performance.getEntriesByType('resource').map(e => e.name)"
                    + ".filter(n => !n.startsWith('data:'))");
    assertEquals(List.of(), resources, "resources loaded besides data: URIs");
    List<String> requests = requestsBesides(url);
    assertEquals(List.of(), requests, "network requests besides the page and data: URIs");
  }

  /** URLs the browser asked for since the last call, except {@code page} and data: URIs. */
  private static List<String> requestsBesides(String page) {
    List<String> requests = new ArrayList<>();
    for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
      JsonObject m =
          JsonParser.parseString(e.getMessage()).getAsJsonObject().getAsJsonObject("message");
      if ("Network.requestWillBeSent".equals(m.get("method").getAsString())) {
        String req =
            m.getAsJsonObject("params").getAsJsonObject("request").get("url").getAsString();
        if (!req.startsWith("data:") && !req.equals(page)) {
          requests.add(req);
        }
      }
    }
    return requests;
  }

  @Test
  void theNetworkCheckSeesARequest() throws Exception {
    // Control: a page that loads an image from a (closed) local port must be caught.
    Path page =
        Files.writeString(tmp.resolve("control.html"), "<img src=\"http://127.0.0.1:9/x.png\">");
    driver.manage().logs().get(LogType.PERFORMANCE);
    driver.get(page.toUri().toString());
    assertEquals(List.of("http://127.0.0.1:9/x.png"), requestsBesides(page.toUri().toString()));
  }

  // Kept next to the report (in the test's temp folder) for a person debugging a failure.
  private static void screenshot(Path file) throws Exception {
    File shot = driver.getScreenshotAs(OutputType.FILE);
    Files.copy(shot.toPath(), file);
    String keep = System.getProperty("depthscope.screenshots");
    if (keep != null) {
      Path dir = Files.createDirectories(Path.of(keep));
      Files.copy(
          shot.toPath(),
          dir.resolve(file.getParent().getFileName() + ".png"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
