package dev.depthscope.cli;

import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.io.OutputSet;
import dev.depthscope.reports.LabeledAudit;
import dev.depthscope.reports.ReportWriter;
import dev.depthscope.reports.TrainingCurves;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code depthscope compare}: one report overlaying several audits (Pre-LN vs LNS, a base model vs
 * its fine-tune) and optionally training curves; the trainer's {@code train-compare} calls it.
 */
@Command(
    name = "compare",
    mixinStandardHelpOptions = true,
    description = {
      "Overlay several audits (and training curves) in one report.",
      "",
      "Overlay several audits in one report: per-layer charts (on relative depth, layer / L, when",
      "the layer counts differ), the summaries side by side, and training loss curves from",
      "--curves. Writes DIR/report.html and the charts as PNG and/or SVG files (--figures)."
    },
    footer = {
      "",
      "Examples:",
      "  # after auditing testdata/trained/llama-24L-brown-pre and ...-lns with their defaults",
      "  depthscope compare depthscope-audit/llama-24L-brown-pre/audit.json \\",
      "      depthscope-audit/llama-24L-brown-lns/audit.json --label Pre-LN --label LNS \\",
      "      --curves testdata/trained/llama-24L-brown-curves.json --out cmp",
      "  # after the depthscope train examples",
      "  depthscope compare --curves runs/lns/curves.json --curves runs/pre12/curves.json --out cmp"
    })
final class CompareCommand implements Callable<Integer> {
  @Parameters(paramLabel = "AUDIT.json", arity = "0..*", description = "Audits to compare.")
  List<Path> audits = new ArrayList<>();

  @Option(
      names = "--curves",
      paramLabel = "FILE",
      description =
          "Training curves (curves.json, one or several runs each) to overlay; repeat the option"
              + " for several files.")
  List<Path> curves = new ArrayList<>();

  @Option(
      names = "--label",
      paramLabel = "NAME",
      description = "Label of each audit, in order (default: the model names).")
  List<String> labels = new ArrayList<>();

  @Option(
      names = "--out",
      paramLabel = "DIR",
      required = true,
      description = "Output directory; one that already holds results is refused unless --force.")
  Path out;

  @Option(
      names = "--force",
      description =
          "Write into an output directory that already holds results, replacing the files of the"
              + " same name.")
  boolean force;

  @Mixin FiguresOption figures;

  @Mixin OutputOptions output;

  @Override
  public Integer call() throws IOException {
    if (audits.isEmpty() && curves.isEmpty()) {
      throw new IllegalArgumentException("nothing to compare: give AUDIT.json files or --curves");
    }
    if (!labels.isEmpty() && labels.size() != audits.size()) {
      throw new IllegalArgumentException(
          labels.size() + " --label values for " + audits.size() + " audits; give one per audit");
    }
    List<AuditResult> read = new ArrayList<>();
    for (Path p : audits) {
      read.add(AuditJson.read(p));
    }
    List<LabeledAudit> labeled = LabeledAudit.byModelName(read);
    if (!labels.isEmpty()) {
      labeled = new ArrayList<>();
      for (int i = 0; i < read.size(); i++) {
        labeled.add(new LabeledAudit(labels.get(i), read.get(i)));
      }
    }
    List<String> differences = EvalDifferences.of(labeled);
    if (!differences.isEmpty()) {
      output.warning(
          "the audits were made on different evaluation data: %s; their NLLs and the costs of"
              + " removing blocks are not comparable",
          String.join("; ", differences));
    }
    List<TrainingCurves> c = ReportCommand.readCurves(curves);
    try (OutputSet set = OutputSet.open(out, ReportCommand.existing(force))) {
      ReportWriter.compareLabeled(labeled, c, set, figures.files());
      set.publish();
    }
    ReportCommand.print(output, out.resolve(ReportWriter.HTML), out);
    return 0;
  }
}
