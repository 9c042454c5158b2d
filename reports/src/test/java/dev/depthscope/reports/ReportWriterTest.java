package dev.depthscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.reports.chart.AuditCharts;
import dev.depthscope.reports.chart.Chart;
import dev.depthscope.reports.chart.PngRenderer;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files a report consists of, their content, and all-or-nothing writing. */
class ReportWriterTest {
  private static Set<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
    }
  }

  private static final List<String> MOE_CHARTS =
      List.of(
          "variance",
          "angular-distance",
          "angular-matrix",
          "pruning-delta-nll",
          "mc-accuracy-delta",
          "expert-load");

  /** {@code report.html}, {@code layers.csv} and each chart with each of {@code extensions}. */
  private static Set<String> singleReportFiles(String... extensions) {
    Set<String> files = new java.util.HashSet<>(Set.of("report.html", "layers.csv"));
    for (String chart : MOE_CHARTS) {
      for (String ext : extensions) {
        files.add(chart + ext);
      }
    }
    return files;
  }

  /** The targets of the page's links, in page order. */
  private static List<String> links(String page) {
    Matcher m = Pattern.compile("<a href=\"([^\"]*)\"").matcher(page);
    List<String> out = new java.util.ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void singleReportWritesHtmlCsvAndAPngAndAnSvgPerChart(@TempDir Path tmp) throws Exception {
    AuditResult a = Samples.audit(Samples.MOE);
    Path html = ReportWriter.single(a, tmp);
    assertEquals(tmp.resolve("report.html"), html);
    assertEquals(singleReportFiles(".png", ".svg"), names(tmp), "no staging folder left behind");
    String page = Files.readString(html);
    // Every PNG is embedded, byte for byte, as a data URI.
    Matcher m = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(page);
    int images = 0;
    while (m.find()) {
      BufferedImage img =
          ImageIO.read(new ByteArrayInputStream(java.util.Base64.getDecoder().decode(m.group(1))));
      assertEquals(1600, img.getWidth());
      assertEquals(900, img.getHeight());
      images++;
    }
    assertEquals(6, images);
    assertFalse(page.contains("<script"), "no script");
    assertFalse(Pattern.compile("src=\"(?!data:)").matcher(page).find(), "no external source");
    // The only other references are links to the chart files beside the page, PNG then SVG.
    List<String> expectedLinks =
        MOE_CHARTS.stream().flatMap(c -> Stream.of(c + ".png", c + ".svg")).toList();
    assertEquals(expectedLinks, links(page));
    assertEquals(
        expectedLinks.size(), Pattern.compile("href=\"(?!data:)").matcher(page).results().count());
    assertTrue(page.contains("Content-Security-Policy"));
    int verdict = page.indexOf("id=\"verdict\"");
    int charts = page.indexOf("id=\"charts\"");
    int table = page.indexOf("id=\"layers\"");
    int defs = page.indexOf("id=\"definitions\"");
    int env = page.indexOf("id=\"environment\"");
    assertTrue(0 < verdict && verdict < charts && charts < table && table < defs && defs < env);
  }

  @Test
  void layersCsvHoldsTheAuditValues(@TempDir Path tmp) throws Exception {
    AuditResult a = Samples.audit(Samples.QWEN_MC);
    ReportWriter.single(a, tmp);
    List<String> lines = Files.readAllLines(tmp.resolve("layers.csv"));
    assertEquals(5, lines.size());
    List<String> header = List.of(lines.get(0).split(","));
    assertEquals("block", header.get(0));
    assertEquals("ineffective", header.get(header.size() - 1));
    for (int l = 0; l < 4; l++) {
      String[] cells = lines.get(l + 1).split(",", -1);
      assertEquals(header.size(), cells.length);
      assertEquals(l, Integer.parseInt(cells[0]));
      assertEquals(
          a.metrics().variance()[l + 1],
          Double.parseDouble(cells[header.indexOf("output_variance")]));
      assertEquals(
          a.metrics().pruningDeltaNll()[l],
          Double.parseDouble(cells[header.indexOf("pruning_delta_nll")]));
      assertEquals(
          a.uncertainty().pruningDeltaNll().get(l)[0],
          Double.parseDouble(cells[header.indexOf("pruning_delta_nll_ci_low")]));
      assertEquals(
          a.metrics().mcAccuracyDelta()[l],
          Double.parseDouble(cells[header.indexOf("mc_accuracy_delta")]));
      assertEquals(
          String.valueOf(a.summary().ineffectiveLayers().contains(l)), cells[cells.length - 1]);
    }
  }

  @Test
  void chartsRenderAtBothSizes() throws Exception {
    for (Chart c : AuditCharts.of(Samples.audit(Samples.MOE), List.of())) {
      for (int[] size : new int[][] {{1600, 900}, {800, 450}}) {
        byte[] png = PngRenderer.png(c.chart(), size[0], size[1]);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png));
        assertEquals(size[0], img.getWidth(), c.pngFile());
        assertEquals(size[1], img.getHeight(), c.pngFile());
        // Not blank: the centre region has more than one colour.
        Set<Integer> colours = new java.util.HashSet<>();
        for (int x = size[0] / 4; x < 3 * size[0] / 4; x += 7) {
          colours.add(img.getRGB(x, size[1] / 2));
        }
        assertTrue(colours.size() > 1, c.pngFile() + " looks blank");
      }
    }
  }

  @Test
  void aFailedReportLeavesTheOldOneUntouched(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("report.html"), "old");
    AuditResult a = Samples.audit(Samples.QWEN_MC);
    // A model of 0 layers makes the layer table fail after the charts are rendered and staged.
    AuditResult broken =
        new AuditResult(
            a.schema(),
            new AuditResult.ModelInfo(
                a.model().path(), a.model().name(), null, null, 0, 0, 0, null),
            a.eval(),
            a.metrics(),
            a.uncertainty(),
            a.summary(),
            a.removalSearch(),
            a.sweep(),
            a.timings(),
            a.versions());
    assertThrows(RuntimeException.class, () -> ReportWriter.single(broken, tmp));
    assertEquals("old", Files.readString(tmp.resolve("report.html")));
    assertEquals(Set.of("report.html"), names(tmp));
  }

  @Test
  void compareReportOverlaysAuditsAndCurves(@TempDir Path tmp) throws Exception {
    List<AuditResult> audits =
        List.of(Samples.audit(Samples.LLAMA_PRE), Samples.audit(Samples.QWEN_MC));
    List<TrainingCurves> curves = TrainingCurves.read(Samples.path(Samples.TRAINER_CURVES));
    Path html = ReportWriter.compare(audits, curves, tmp);
    String page = Files.readString(html);
    assertTrue(page.contains("llama-24L-brown-pre") && page.contains("qwen3-tiny-bf16"));
    assertTrue(page.contains("relative depth"));
    assertTrue(names(tmp).contains("compare-variance.png"));
    assertTrue(names(tmp).contains("compare-mc-accuracy-delta.png"));
    assertTrue(names(tmp).contains("training-loss.png"));
    assertThrows(
        IllegalArgumentException.class, () -> ReportWriter.compare(List.of(), List.of(), tmp));
  }

  @Test
  void figuresPngWritesNoSvgAndTheReportLinksOnlyThePngs(@TempDir Path tmp) throws Exception {
    Path html = ReportWriter.single(Samples.audit(Samples.MOE), List.of(), tmp, FigureFiles.PNG);
    assertEquals(singleReportFiles(".png"), names(tmp));
    String page = Files.readString(html);
    assertEquals(MOE_CHARTS.stream().map(c -> c + ".png").toList(), links(page));
    assertFalse(page.contains(".svg"), "no SVG named on the page");
  }

  @Test
  void figuresSvgWritesNoPngFilesButThePageStillEmbedsThePictures(@TempDir Path tmp)
      throws Exception {
    Path html = ReportWriter.single(Samples.audit(Samples.MOE), List.of(), tmp, FigureFiles.SVG);
    assertEquals(singleReportFiles(".svg"), names(tmp));
    String page = Files.readString(html);
    assertEquals(MOE_CHARTS.stream().map(c -> c + ".svg").toList(), links(page));
    assertEquals(
        MOE_CHARTS.size(),
        Pattern.compile("src=\"data:image/png;base64,").matcher(page).results().count());
    for (String chart : MOE_CHARTS) {
      String svg = Files.readString(tmp.resolve(chart + ".svg"));
      assertTrue(svg.startsWith("<?xml") && svg.contains("<svg "), chart);
      assertTrue(svg.contains("width='1600' height='900'"), chart);
    }
  }

  @Test
  void compareReportWritesAndLinksTheFilesAsked(@TempDir Path tmp) throws Exception {
    List<LabeledAudit> audits =
        LabeledAudit.byModelName(
            List.of(Samples.audit(Samples.LLAMA_PRE), Samples.audit(Samples.QWEN_MC)));
    List<TrainingCurves> curves = TrainingCurves.read(Samples.path(Samples.TRAINER_CURVES));
    for (FigureFiles f : FigureFiles.values()) {
      Path dir = tmp.resolve(f.cliName());
      String page = Files.readString(ReportWriter.compareLabeled(audits, curves, dir, f));
      Set<String> charts =
          names(dir).stream()
              .filter(n -> n.endsWith(".png") || n.endsWith(".svg"))
              .collect(Collectors.toSet());
      assertEquals(f.png(), charts.contains("training-loss.png"), f.toString());
      assertEquals(f.svg(), charts.contains("training-loss.svg"), f.toString());
      assertEquals(f.png(), charts.contains("compare-variance.png"), f.toString());
      assertEquals(f.svg(), charts.contains("compare-variance.svg"), f.toString());
      assertEquals(charts, Set.copyOf(links(page)), f + ": the page links every chart file");
      assertEquals(f == FigureFiles.BOTH ? 12 : 6, charts.size(), f + ": " + charts);
    }
  }

  @Test
  void figureFilesParseTheCommandLineNames() {
    assertEquals(FigureFiles.PNG, FigureFiles.parse("png"));
    assertEquals(FigureFiles.SVG, FigureFiles.parse("SVG"));
    assertEquals(FigureFiles.BOTH, FigureFiles.parse("Both"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FigureFiles.parse("pdf"));
    assertTrue(e.getMessage().contains("png, svg or both"), e.getMessage());
  }
}
