package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** What help, version, output and options say agrees with each other and with the README. */
class ConsistencyTest {
  private static final Pattern TESTDATA_PATH = Pattern.compile("testdata/[^\\s\\\\\"')]+");

  /** The help of every visible command (and of the top level), as the user would read it. */
  private static List<String> allHelp() {
    List<String> help = new ArrayList<>();
    help.add(Run.of("--help").out());
    Main.commandLine()
        .getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!sub.getCommandSpec().usageMessage().hidden()) {
                help.add(Run.of(name, "--help").out());
              }
            });
    return help;
  }

  @Test
  void helpExamplesUseTheRepositorysTestDataAndEveryPathExists() {
    Path repo = TestData.root().getParent();
    int paths = 0;
    for (String h : allHelp()) {
      assertFalse(h.contains("../shared"), "help names ../shared: " + h);
      Matcher m = TESTDATA_PATH.matcher(h);
      while (m.find()) {
        Path p = repo.resolve(m.group());
        assertTrue(Files.exists(p), m.group() + " in the help does not exist under " + repo);
        paths++;
      }
    }
    assertTrue(paths >= 10, "the examples use testdata/ paths: " + paths);
  }

  @Test
  void auditHelpCountsTheNaivePassesAsTheReadmeAndAuditJsonDo() {
    String h = Run.of("audit", "--help").out();
    assertTrue(h.contains("instead of L(L+1)"), h);
    assertFalse(h.contains("L^2"), h);
  }

  @Test
  void modelHelpNamesEveryCacheVariableInOrder() {
    for (String c : List.of("inspect", "trace", "audit")) {
      String h = Run.of(c, "--help").out().replaceAll("\\s+", " ");
      int hub = h.indexOf("$HF_HUB_CACHE");
      int home = h.indexOf("$HF_HOME/hub");
      assertTrue(hub >= 0 && home > hub, c + ": " + h);
      assertTrue(h.contains("--revision=REV"), c + ": " + h);
    }
  }

  @Test
  void auditSynopsisShowsThatMcAloneWorks() {
    String h = Run.of("audit", "--help").out();
    assertTrue(
        h.contains("depthscope audit MODEL (--text FILE | --token-ids FILE) [--mc FILE]"), h);
    assertTrue(h.contains("depthscope audit MODEL --mc FILE [OPTIONS]"), h);
  }

  @Test
  void versionIsThePomVersion() throws Exception {
    Properties expected = new Properties();
    try (InputStream in = getClass().getResourceAsStream("expected-version.properties")) {
      assertNotNull(in, "expected-version.properties is a filtered test resource");
      expected.load(in);
    }
    String v = expected.getProperty("version");
    assertFalse(v.contains("${"), "the build fills in the pom version: " + v);
    Run r = Run.of("--version");
    assertEquals(0, r.code());
    assertEquals("depthscope " + v, r.out().lines().findFirst().orElseThrow());
  }

  @Test
  void curvesTakesOneFileSoTheNextArgumentStaysAnAudit(@TempDir Path tmp) throws Exception {
    Path a = tmp.resolve("a.json");
    Path b = tmp.resolve("b.json");
    AuditJson.write(ReportCommandsTest.audit("first-model", 4, 1.3), a);
    AuditJson.write(ReportCommandsTest.audit("second-model", 4, 1.1), b);
    Path curves =
        Files.writeString(
            tmp.resolve("curves.json"),
            "{\"losses\": [[0, 8.0, 1.0, 0.001], [1, 7.0, 0.9, 0.002]], \"evals\": [[1, 7.1]],"
                + " \"final_eval_loss\": 7.1, \"hyperparameters\": {\"norm\": \"lns\"}}");
    Path out = tmp.resolve("cmp");
    Run r =
        Run.of(
            "compare",
            a.toString(),
            "--curves",
            curves.toString(),
            b.toString(),
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    String page = Files.readString(out.resolve("report.html"));
    assertTrue(page.contains("first-model") && page.contains("second-model"), "both audits");
    assertTrue(Files.isRegularFile(out.resolve("training-loss.png")), "and the curves");
  }

  @Test
  void reportAndCompareJsonGivePathsInTheFormTheUserGave(@TempDir Path tmp) throws Exception {
    Path here = Path.of("").toAbsolutePath();
    Path audit = here.relativize(tmp.resolve("a/audit.json"));
    assertFalse(audit.isAbsolute());
    AuditJson.write(ReportCommandsTest.audit("m", 4, 1.2), audit);
    JsonObject report = json(Run.of("report", audit.toString(), "--json"));
    assertEquals(audit.getParent().toString(), report.get("out").getAsString());
    assertEquals(
        audit.resolveSibling("report.html").toString(), report.get("report").getAsString());
    Path out = here.relativize(tmp.resolve("cmp"));
    JsonObject cmp =
        json(
            Run.of(
                "compare", audit.toString(), audit.toString(), "--out", out.toString(), "--json"));
    assertEquals(out.toString(), cmp.get("out").getAsString());
    assertEquals(out.resolve("report.html").toString(), cmp.get("report").getAsString());
  }

  private static JsonObject json(Run r) {
    assertEquals(0, r.code(), r.err());
    return JsonParser.parseString(r.out()).getAsJsonObject();
  }

  @Test
  void oneSequenceIsNotPlural() {
    AuditResult a = ReportCommandsTest.audit("m", 4, 1.2);
    AuditResult one =
        new AuditResult(
            a.schema(),
            a.model(),
            new AuditResult.EvalInfo("text:x.txt", 1, 16, 15, 0),
            a.metrics(),
            a.uncertainty(),
            a.summary(),
            a.sweep(),
            a.timings(),
            a.versions());
    StringWriter s = new StringWriter();
    new AuditConsoleSummary(one).print(new PrintWriter(s, true));
    assertTrue(s.toString().contains("over 15 tokens in 1 sequence\n"), s.toString());
    StringWriter two = new StringWriter();
    new AuditConsoleSummary(a).print(new PrintWriter(two, true));
    assertTrue(two.toString().contains("tokens in 2 sequences\n"), two.toString());
  }

  @Test
  void theCountedNounsAgree() {
    assertEquals("1 question", Counts.of(1, "question"));
    assertEquals("0 questions", Counts.of(0, "question"));
    assertEquals("3 contiguous blocks", Counts.of(3, "contiguous block"));
  }

  @Test
  void everyVisibleOptionNameIsSuggestedForItsOwnTypo() {
    // A typo of each long option (its last letter dropped) finds that option again.
    CommandLine.Model.CommandSpec audit =
        Main.commandLine().getSubcommands().get("audit").getCommandSpec();
    for (CommandLine.Model.OptionSpec o : audit.options()) {
      String name = o.longestName();
      if (o.hidden() || name.length() < 6) {
        continue;
      }
      String typo = name.substring(0, name.length() - 1);
      if (audit.findOption(typo) != null) {
        continue;
      }
      assertTrue(Suggestions.options(audit, typo).contains(name), typo + " -> " + name);
    }
  }
}
