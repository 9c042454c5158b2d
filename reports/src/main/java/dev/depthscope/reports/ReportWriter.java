package dev.depthscope.reports;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.SchemeComparison;
import dev.depthscope.core.io.OutputSet;
import dev.depthscope.reports.chart.AuditCharts;
import dev.depthscope.reports.chart.Chart;
import dev.depthscope.reports.chart.CompareCharts;
import dev.depthscope.reports.chart.HeatmapStyle;
import dev.depthscope.reports.chart.PngRenderer;
import dev.depthscope.reports.chart.SvgRenderer;
import dev.depthscope.reports.csv.LayersCsv;
import dev.depthscope.reports.html.Figure;
import dev.depthscope.reports.html.ReportPage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes reports: the Java entry point behind {@code depthscope audit}, {@code report} and {@code
 * compare}. A report folder gets {@value #HTML} (self-contained: charts embedded as PNG, no script,
 * no request), each chart as a 1600x900 PNG and/or SVG file as {@link FigureFiles} asks (both
 * unless told otherwise; the page links them), and for a single audit {@value #CSV}. All files are
 * staged and moved into place together (see {@link OutputSet}); a caller writing more files of the
 * same set (the audit's {@code audit.json}) passes its own {@link OutputSet}.
 */
public final class ReportWriter {
  private ReportWriter() {}

  /** The HTML page's file name. */
  public static final String HTML = "report.html";

  /** The per-layer table's file name. */
  public static final String CSV = "layers.csv";

  /** Writes the report of {@code audit} into {@code dir}; returns the HTML file. */
  public static Path single(AuditResult audit, Path dir) throws IOException {
    return single(audit, List.of(), dir);
  }

  /**
   * Writes the report of {@code audit} into {@code dir}, with the training loss curves of the model
   * when {@code curves} is not empty; returns the HTML file.
   */
  public static Path single(AuditResult audit, List<TrainingCurves> curves, Path dir)
      throws IOException {
    return single(audit, curves, dir, FigureFiles.BOTH);
  }

  /**
   * As {@link #single(AuditResult, List, Path)}, writing the chart files {@code files} asks for.
   */
  public static Path single(
      AuditResult audit, List<TrainingCurves> curves, Path dir, FigureFiles files)
      throws IOException {
    try (OutputSet out = OutputSet.open(dir, OutputSet.Existing.MERGE)) {
      single(audit, curves, out, files);
      out.publish();
    }
    return dir.resolve(HTML);
  }

  /**
   * Stages the report of {@code audit} in {@code out}, the HTML page last; the caller publishes the
   * set.
   */
  public static void single(
      AuditResult audit, List<TrainingCurves> curves, OutputSet out, FigureFiles files)
      throws IOException {
    single(audit, curves, out, files, HeatmapStyle.OURS);
  }

  /**
   * As {@link #single(AuditResult, List, OutputSet, FigureFiles)}, drawing the angular-distance
   * matrix in {@code heatmap} style ({@link HeatmapStyle#PAPER} adds the paper's drawing beside
   * ours).
   */
  public static void single(
      AuditResult audit,
      List<TrainingCurves> curves,
      OutputSet out,
      FigureFiles files,
      HeatmapStyle heatmap)
      throws IOException {
    List<Chart> charts = AuditCharts.of(audit, curves, heatmap);
    List<Figure> figures = render(charts, files, out);
    out.write(CSV, LayersCsv.of(LayerTable.of(audit)).getBytes(StandardCharsets.UTF_8));
    out.write(HTML, ReportPage.single(audit, figures).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes a report overlaying {@code audits} (labelled by model name) and {@code curves} into
   * {@code dir}; returns the HTML file.
   *
   * @throws IllegalArgumentException when there is nothing to compare
   */
  public static Path compare(List<AuditResult> audits, List<TrainingCurves> curves, Path dir)
      throws IOException {
    return compareLabeled(LabeledAudit.byModelName(audits), curves, dir);
  }

  /** As {@link #compare}, with labels chosen by the caller (e.g. {@code pre}, {@code lns}). */
  public static Path compareLabeled(
      List<LabeledAudit> audits, List<TrainingCurves> curves, Path dir) throws IOException {
    return compareLabeled(audits, curves, dir, FigureFiles.BOTH);
  }

  /**
   * As {@link #compareLabeled(List, List, Path)}, writing the chart files {@code files} asks for.
   */
  public static Path compareLabeled(
      List<LabeledAudit> audits, List<TrainingCurves> curves, Path dir, FigureFiles files)
      throws IOException {
    if (audits.isEmpty() && curves.isEmpty()) {
      throw new IllegalArgumentException("nothing to compare: give audits and/or training curves");
    }
    try (OutputSet out = OutputSet.open(dir, OutputSet.Existing.MERGE)) {
      compareLabeled(audits, curves, out, files);
      out.publish();
    }
    return dir.resolve(HTML);
  }

  /**
   * As {@link #compareLabeled(List, List, Path, FigureFiles)}, with the symptom-by-symptom
   * comparison of the schemes (null for none) on the page.
   */
  public static Path compareLabeled(
      List<LabeledAudit> audits,
      List<TrainingCurves> curves,
      Path dir,
      FigureFiles files,
      SchemeComparison schemes)
      throws IOException {
    try (OutputSet out = OutputSet.open(dir, OutputSet.Existing.MERGE)) {
      compareLabeled(audits, curves, out, files, schemes);
      out.publish();
    }
    return dir.resolve(HTML);
  }

  /** Stages the comparison report in {@code out}; the caller publishes the set. */
  public static void compareLabeled(
      List<LabeledAudit> audits, List<TrainingCurves> curves, OutputSet out, FigureFiles files)
      throws IOException {
    compareLabeled(audits, curves, out, files, null);
  }

  /** As above, with the scheme comparison ({@code schemes}, null for none) on the page. */
  public static void compareLabeled(
      List<LabeledAudit> audits,
      List<TrainingCurves> curves,
      OutputSet out,
      FigureFiles files,
      SchemeComparison schemes)
      throws IOException {
    if (audits.isEmpty() && curves.isEmpty()) {
      throw new IllegalArgumentException("nothing to compare: give audits and/or training curves");
    }
    List<Chart> charts = CompareCharts.of(audits, curves);
    List<Figure> figures = render(charts, files, out);
    out.write(
        HTML,
        ReportPage.compare(audits, curves, figures, schemes).getBytes(StandardCharsets.UTF_8));
  }

  // The page embeds the PNG whichever files are written, so it always renders one.
  private static List<Figure> render(List<Chart> charts, FigureFiles files, OutputSet out)
      throws IOException {
    List<Figure> figures = new ArrayList<>();
    int w = PngRenderer.REPORT_WIDTH;
    int h = PngRenderer.REPORT_HEIGHT;
    for (Chart c : charts) {
      byte[] png = PngRenderer.png(c.chart(), w, h);
      List<String> written = new ArrayList<>();
      if (files.png()) {
        out.write(c.pngFile(), png);
        written.add(c.pngFile());
      }
      if (files.svg()) {
        String svg = SvgRenderer.svg(c.chart(), w, h);
        out.write(c.svgFile(), svg.getBytes(StandardCharsets.UTF_8));
        written.add(c.svgFile());
      }
      figures.add(new Figure(c.title(), c.caption(), png, w, h, written));
    }
    return figures;
  }
}
