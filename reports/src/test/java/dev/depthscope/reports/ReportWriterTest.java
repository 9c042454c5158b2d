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

  @Test
  void singleReportWritesHtmlCsvAndOnePngPerChart(@TempDir Path tmp) throws Exception {
    AuditResult a = Samples.audit(Samples.MOE);
    Path html = ReportWriter.single(a, tmp);
    assertEquals(tmp.resolve("report.html"), html);
    assertEquals(
        Set.of(
            "report.html",
            "layers.csv",
            "variance.png",
            "angular-distance.png",
            "angular-matrix.png",
            "pruning-delta-nll.png",
            "mc-accuracy-delta.png",
            "expert-load.png"),
        names(tmp),
        "no staging folder left behind");
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
    assertFalse(Pattern.compile("(src|href)=\"(?!data:)").matcher(page).find(), "no external ref");
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
        assertEquals(size[0], img.getWidth(), c.file());
        assertEquals(size[1], img.getHeight(), c.file());
        // Not blank: the centre region has more than one colour.
        Set<Integer> colours = new java.util.HashSet<>();
        for (int x = size[0] / 4; x < 3 * size[0] / 4; x += 7) {
          colours.add(img.getRGB(x, size[1] / 2));
        }
        assertTrue(colours.size() > 1, c.file() + " looks blank");
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
}
