package dev.depthscope.cli;

import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.io.OutputSet;
import dev.depthscope.reports.ReportWriter;
import dev.depthscope.reports.TrainingCurves;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code depthscope report}: rebuilds the HTML report, the chart files and {@code layers.csv} of an
 * existing {@code audit.json} (after an upgrade, or for an audit run with {@code --no-report}).
 */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuild the HTML report, charts and CSV of an audit.json.",
      "",
      "Rebuild report.html (self-contained: charts embedded, no script, no network), the charts",
      "as PNG and/or SVG files (--figures) and layers.csv from an audit.json. Files are written",
      "together or not at all."
    },
    footer = {
      "",
      "Examples:",
      "  depthscope report depthscope-audit/llama-24L-brown-pre/audit.json",
      "  depthscope report depthscope-audit/llama-24L-brown-pre/audit.json --out site \\",
      "      --curves testdata/trained/llama-24L-brown-curves.json",
      "  depthscope report my-audit/audit.json --figures svg    # vector figures for a paper",
      "  depthscope report my-audit/audit.json --heatmap paper  # also the paper's heatmap"
    })
final class ReportCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "AUDIT.json", description = "The audit to report.")
  Path audit;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Output directory (default: the folder of AUDIT.json, whose report is replaced). A"
              + " directory that already holds results is refused unless --force.")
  Path out;

  @Option(
      names = "--force",
      description =
          "Write into an output directory that already holds results, replacing the files of the"
              + " same name.")
  boolean force;

  @Option(
      names = "--curves",
      paramLabel = "FILE",
      description =
          "Training curves (curves.json) to chart in the report as well; repeat the option for"
              + " several files.")
  List<Path> curves = new ArrayList<>();

  @Mixin FiguresOption figures;

  @Mixin HeatmapOption heatmap;

  @Mixin OutputOptions output;

  /**
   * What {@code report --json} and {@code compare --json} print: both paths in the form the user
   * gave them (relative stays relative), as every command prints the files it writes.
   *
   * @param report the HTML report written
   * @param out the folder holding it, the chart files and (for one audit) layers.csv
   */
  record Written(String report, String out) {}

  @Override
  public Integer call() throws IOException {
    AuditResult a = AuditJson.read(audit);
    Path dir = out != null ? out : folderOf(audit);
    List<TrainingCurves> c = readCurves(curves);
    try (OutputSet set = OutputSet.open(dir, existing(out == null || force))) {
      ReportWriter.single(a, c, set, figures.files(), heatmap.style());
      set.publish();
    }
    print(output, dir.resolve(ReportWriter.HTML), dir);
    return 0;
  }

  /**
   * How a report treats a directory holding results: refused, or (allowed) the files of the same
   * name replaced and the others kept, since they may be the audits being reported.
   */
  static OutputSet.Existing existing(boolean allowed) {
    return allowed ? OutputSet.Existing.MERGE : OutputSet.Existing.REFUSE;
  }

  /** The folder holding {@code file}, in the form it was given (relative stays relative). */
  private static Path folderOf(Path file) {
    Path parent = file.getParent();
    return parent != null ? parent : Path.of(".");
  }

  /** Prints where the report went: one line, or {@link Written} with {@code --json}. */
  static void print(OutputOptions output, Path html, Path dir) {
    if (output.json) {
      output.printJson(new Written(html.toString(), dir.toString()));
      return;
    }
    PrintWriter o = output.out();
    o.println("wrote " + html);
    o.flush();
  }

  static List<TrainingCurves> readCurves(List<Path> files) throws IOException {
    List<TrainingCurves> all = new ArrayList<>();
    for (Path f : files) {
      all.addAll(TrainingCurves.read(f));
    }
    return all;
  }
}
