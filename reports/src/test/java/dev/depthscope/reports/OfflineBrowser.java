package dev.depthscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.htmlunit.BrowserVersion;
import org.htmlunit.WebClient;
import org.htmlunit.WebRequest;
import org.htmlunit.WebResponse;
import org.htmlunit.util.WebConnectionWrapper;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.htmlunit.HtmlUnitDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A browser for report tests that reaches no network, shared with other modules through the
 * test-jar. It is a real headless Chromium (Debian's {@code chromium} and {@code chromium-driver},
 * which {@code .ci/run} installs) when those are installed, and otherwise HtmlUnit, a browser in
 * pure Java from Maven Central, so the README's test command runs the same checks on a machine with
 * only Java and Maven: every image decodes, no script runs, and nothing is requested but the page
 * and its data: URIs. Nothing is downloaded: the Chromium driver and browser paths are explicit, so
 * Selenium Manager is never asked.
 */
public final class OfflineBrowser implements AutoCloseable {
  private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  private static final Path BROWSER = Path.of("/usr/bin/chromium");

  private final ChromeDriverService service; // null for HtmlUnit
  private final WebDriver driver;
  private final List<String> htmlUnitRequests; // null for Chromium

  private OfflineBrowser(
      ChromeDriverService service, WebDriver driver, List<String> htmlUnitRequests) {
    this.service = service;
    this.driver = driver;
    this.htmlUnitRequests = htmlUnitRequests;
  }

  /** Starts Chromium with a fresh profile under {@code tmp}, or HtmlUnit without Chromium. */
  public static OfflineBrowser start(Path tmp) throws Exception {
    if (!Files.isExecutable(DRIVER) || !Files.isExecutable(BROWSER)) {
      return startHtmlUnit();
    }
    System.setProperty("webdriver.chrome.driver", DRIVER.toString());
    ChromeDriverService service =
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
        "--user-data-dir=" + Files.createDirectories(tmp.resolve("profile")));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    // Leave the new-tab page (it loads chrome:// resources) before any page under test.
    driver.get("about:blank");
    driver.manage().logs().get(LogType.PERFORMANCE);
    return new OfflineBrowser(service, driver, null);
  }

  private static OfflineBrowser startHtmlUnit() {
    List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
    HtmlUnitDriver driver =
        new HtmlUnitDriver(BrowserVersion.CHROME, true) {
          @Override
          protected WebClient modifyWebClient(WebClient client) {
            client.getOptions().setDownloadImages(true);
            client.getOptions().setThrowExceptionOnScriptError(true);
            // Every load goes through the connection, so recording it here sees every request.
            client.setWebConnection(
                new WebConnectionWrapper(client.getWebConnection()) {
                  @Override
                  public WebResponse getResponse(WebRequest request) throws IOException {
                    requests.add(request.getUrl().toString());
                    return super.getResponse(request);
                  }
                });
            return client;
          }
        };
    return new OfflineBrowser(null, driver, requests);
  }

  /** Whether this is the real Chromium (else HtmlUnit). */
  public boolean isChromium() {
    return service != null;
  }

  /** The driver, for page-specific checks. */
  public WebDriver driver() {
    return driver;
  }

  /**
   * Loads {@code html} and checks that at least {@code images} images are there and all decoded,
   * that no script ran or exists, and that nothing but the page and data: URIs was requested.
   */
  public void open(Path html, int images) {
    requestsBesides(""); // drop entries of earlier pages
    String url = html.toUri().toString();
    driver.get(url);
    JavascriptExecutor js = (JavascriptExecutor) driver;
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
    if (isChromium()) {
      @SuppressWarnings("unchecked")
      List<String> resources =
          (List<String>)
              js.executeScript(
                  "return performance.getEntriesByType('resource').map(e => e.name)"
                      + ".filter(n => !n.startsWith('data:'))");
      assertEquals(List.of(), resources, "resources loaded besides data: URIs");
    }
    assertEquals(List.of(), requestsBesides(url), "network requests besides the page");
  }

  /**
   * URLs the browser asked for since the last call, except {@code page}, data: URIs and the
   * browser's own chrome:// pages.
   */
  public List<String> requestsBesides(String page) {
    List<String> requests = new ArrayList<>();
    if (!isChromium()) {
      synchronized (htmlUnitRequests) {
        for (String req : htmlUnitRequests) {
          boolean seen = requests.contains(req); // HtmlUnit fetches an image twice
          if (!req.startsWith("data:") && !req.startsWith("about:") && !req.equals(page) && !seen) {
            requests.add(req);
          }
        }
        htmlUnitRequests.clear();
      }
      return requests;
    }
    for (LogEntry e : driver.manage().logs().get(LogType.PERFORMANCE)) {
      JsonObject m =
          JsonParser.parseString(e.getMessage()).getAsJsonObject().getAsJsonObject("message");
      if ("Network.requestWillBeSent".equals(m.get("method").getAsString())) {
        String req =
            m.getAsJsonObject("params").getAsJsonObject("request").get("url").getAsString();
        // chrome:// and about: are the browser's own pages, never the network.
        boolean internal = req.startsWith("chrome://") || req.startsWith("about:");
        if (!req.startsWith("data:") && !internal && !req.equals(page)) {
          requests.add(req);
        }
      }
    }
    return requests;
  }

  /** The visible text of the page. */
  public String bodyText() {
    return driver.findElement(By.tagName("body")).getText();
  }

  /**
   * Saves a screenshot to {@code file}, and a copy into {@code depthscope.screenshots} when that
   * system property names a folder (for a person debugging a failure). HtmlUnit draws nothing, so
   * there it does nothing.
   */
  public void screenshot(Path file) throws Exception {
    if (!isChromium()) {
      return;
    }
    File shot = ((ChromeDriver) driver).getScreenshotAs(OutputType.FILE);
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

  @Override
  public void close() {
    driver.quit();
    if (service != null) {
      service.stop();
    }
  }
}
