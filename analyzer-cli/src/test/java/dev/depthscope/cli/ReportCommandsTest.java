package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.AuditSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code depthscope report} and {@code depthscope compare} on small hand-made audits. */
class ReportCommandsTest {
  private static Run run(String... args) {
    return Run.of(args);
  }

  /** A made-up audit of {@code layers} blocks whose variance grows by {@code growth} per layer. */
  static AuditResult audit(String name, int layers, double growth) {
    double[] variance = new double[layers + 1];
    double[] angular = new double[layers];
    double[] delta = new double[layers];
    Double[][] matrix = new Double[layers + 1][layers + 1];
    List<double[]> ci = new java.util.ArrayList<>();
    for (int l = 0; l <= layers; l++) {
      variance[l] = Math.pow(growth, l);
      for (int n = 1; n <= layers - l; n++) {
        matrix[l][n] = 0.05 * n;
      }
    }
    for (int l = 0; l < layers; l++) {
      angular[l] = 0.3 / (l + 1);
      delta[l] = 1.0 / (l + 1) / (l + 1);
      ci.add(new double[] {0.8 * delta[l], 1.2 * delta[l]});
    }
    double base = 4.0;
    double[] pruned = new double[layers];
    for (int l = 0; l < layers; l++) {
      pruned[l] = base + delta[l];
    }
    return new AuditResult(
        AuditResult.SCHEMA,
        new AuditResult.ModelInfo(
            "/models/" + name, name, "LlamaForCausalLM", "llama", layers, 64, 1000, "F32"),
        new AuditResult.EvalInfo("text:eval.txt", 2, 16, 30, 0),
        new AuditResult.Metrics(
            variance,
            angular,
            angular,
            matrix,
            base,
            pruned,
            delta,
            Math.exp(base),
            null,
            null,
            null,
            null,
            null,
            null),
        new AuditResult.Uncertainty("test", ci, null),
        AuditSummary.of(variance, delta, base, 0.01),
        null,
        new AuditResult.Sweep(10, 20, 1, 0),
        Map.of("total_seconds", 1.0),
        Map.of("depthscope", "test"));
  }

  @Test
  void reportRebuildsTheFilesNextToTheAudit(@TempDir Path tmp) throws Exception {
    Path json = tmp.resolve("a/audit.json");
    AuditJson.write(audit("m", 6, 1.3), json);
    Run r = run("report", json.toString());
    assertEquals(0, r.code(), r.err());
    for (String f :
        new String[] {"report.html", "layers.csv", "variance.png", "angular-matrix.png"}) {
      assertTrue(Files.isRegularFile(tmp.resolve("a").resolve(f)), f);
    }
    Run elsewhere = run("report", json.toString(), "--out", tmp.resolve("b").toString());
    assertEquals(0, elsewhere.code(), elsewhere.err());
    assertTrue(Files.isRegularFile(tmp.resolve("b/report.html")));
  }

  @Test
  void compareOverlaysAuditsAndCurves(@TempDir Path tmp) throws Exception {
    Path a = tmp.resolve("a.json");
    Path b = tmp.resolve("b.json");
    AuditJson.write(audit("pre", 8, 1.3), a);
    AuditJson.write(audit("lns", 4, 1.01), b);
    Path curves =
        Files.writeString(
            tmp.resolve("curves.json"),
            "{\"losses\": [[0, 8.0, 1.0, 0.001], [1, 7.0, 0.9, 0.002]], \"evals\": [[1, 7.1]],"
                + " \"final_eval_loss\": 7.1, \"hyperparameters\": {\"norm\": \"lns\"}}");
    Path out = tmp.resolve("cmp");
    Run r =
        run(
            "compare",
            a.toString(),
            b.toString(),
            "--label",
            "Pre-LN",
            "--label",
            "LNS",
            "--curves",
            curves.toString(),
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    String page = Files.readString(out.resolve("report.html"));
    assertTrue(page.contains("Pre-LN") && page.contains("LNS"));
    assertTrue(page.contains("relative depth"), "8 vs 4 layers");
    assertTrue(Files.isRegularFile(out.resolve("training-loss.png")));
  }

  @Test
  void reportAndCompareJsonNameTheWrittenReport(@TempDir Path tmp) throws Exception {
    Path a = tmp.resolve("a/audit.json");
    AuditJson.write(audit("m", 4, 1.2), a);
    Run report = run("report", a.toString(), "--json");
    assertEquals(0, report.code(), report.err());
    JsonObject o = JsonParser.parseString(report.out()).getAsJsonObject();
    assertEquals(tmp.resolve("a/report.html").toString(), o.get("report").getAsString());
    assertEquals(tmp.resolve("a").toString(), o.get("out").getAsString());

    Path out = tmp.resolve("cmp");
    Run cmp = run("compare", a.toString(), a.toString(), "--out", out.toString(), "--json");
    assertEquals(0, cmp.code(), cmp.err());
    JsonObject c = JsonParser.parseString(cmp.out()).getAsJsonObject();
    assertTrue(Files.isRegularFile(Path.of(c.get("report").getAsString())), cmp.out());
    assertEquals(out.toString(), c.get("out").getAsString());
  }

  @Test
  void compareRejectsBadArguments(@TempDir Path tmp) throws Exception {
    Path a = tmp.resolve("a.json");
    AuditJson.write(audit("m", 3, 1.1), a);
    assertEquals(2, run("compare", "--out", tmp.toString()).code(), "nothing to compare");
    Run labels =
        run("compare", a.toString(), "--label", "x", "--label", "y", "--out", tmp.toString());
    assertEquals(2, labels.code());
    assertTrue(labels.err().contains("--label"), labels.err());
    Path notAudit = Files.writeString(tmp.resolve("n.json"), "{\"schema\": \"other\"}");
    assertEquals(2, run("report", notAudit.toString()).code());
    assertEquals(2, run("compare", a.toString()).code(), "--out is required");
  }

  /** The chart files (PNG and SVG) in {@code dir}. */
  private static Set<String> chartFiles(Path dir) throws Exception {
    try (var files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".png") || n.endsWith(".svg"))
          .collect(Collectors.toSet());
    }
  }

  @Test
  void figuresChoosesTheChartFilesBesideTheReport(@TempDir Path tmp) throws Exception {
    Path json = tmp.resolve("audit.json");
    AuditJson.write(audit("m", 5, 1.2), json);
    for (String figures : new String[] {"png", "svg", "both"}) {
      Path out = tmp.resolve(figures);
      Run r = run("report", json.toString(), "--out", out.toString(), "--figures", figures);
      assertEquals(0, r.code(), r.err());
      Set<String> charts = chartFiles(out);
      boolean png = !figures.equals("svg");
      boolean svg = !figures.equals("png");
      assertEquals(png, charts.contains("variance.png"), figures + ": " + charts);
      assertEquals(svg, charts.contains("variance.svg"), figures + ": " + charts);
      assertEquals(png, charts.stream().anyMatch(n -> n.endsWith(".png")), figures);
      assertEquals(svg, charts.stream().anyMatch(n -> n.endsWith(".svg")), figures);
      String page = Files.readString(out.resolve("report.html"));
      for (String f : charts) {
        assertTrue(page.contains("<a href=\"" + f + "\""), figures + ": the report links " + f);
      }
      assertTrue(page.contains("data:image/png;base64,"), figures + ": pictures still embedded");
    }
    assertEquals(
        chartFiles(tmp.resolve("both")),
        java.util.stream.Stream.concat(
                chartFiles(tmp.resolve("png")).stream(), chartFiles(tmp.resolve("svg")).stream())
            .collect(Collectors.toSet()),
        "both = the PNGs of png and the SVGs of svg");
    Path cmp = tmp.resolve("cmp");
    Run c =
        run(
            "compare",
            json.toString(),
            json.toString(),
            "--out",
            cmp.toString(),
            "--figures",
            "svg");
    assertEquals(0, c.code(), c.err());
    assertTrue(chartFiles(cmp).contains("compare-variance.svg"), chartFiles(cmp).toString());
    assertTrue(
        chartFiles(cmp).stream().noneMatch(n -> n.endsWith(".png")), "compare --figures svg");
  }

  @Test
  void aBadFiguresValueIsAUsageErrorNamingTheChoices(@TempDir Path tmp) throws Exception {
    Path json = tmp.resolve("audit.json");
    AuditJson.write(audit("m", 3, 1.1), json);
    Run r = run("report", json.toString(), "--figures", "pdf");
    assertEquals(2, r.code());
    assertTrue(r.err().startsWith("depthscope: ") && r.err().contains("--figures"), r.err());
    assertTrue(r.err().contains("png, svg or both"), r.err());
    assertEquals(Set.of("audit.json"), Set.of(tmp.toFile().list()), "nothing written");
  }

  @Test
  void everyCommandThatWritesAReportDocumentsFigures() {
    for (String command : new String[] {"audit", "report", "compare", "demo", "train-compare"}) {
      Run r = run(command, "--help");
      assertEquals(0, r.code(), command);
      assertTrue(r.out().contains("--figures=png|svg|both"), command + ": " + r.out());
    }
  }
}
