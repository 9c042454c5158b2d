package dev.depthscope.cli;

import ai.djl.Device;
import dev.depthscope.core.analysis.AuditSummary;
import dev.depthscope.core.io.OutputSet;
import dev.depthscope.reports.LabeledAudit;
import dev.depthscope.reports.ReportWriter;
import dev.depthscope.trainer.train.Norm;
import dev.depthscope.trainer.train.TrainResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code depthscope train-compare}: one training run per norm scheme from the same init and data,
 * then {@code OUT/comparison.json} with the curves side by side.
 */
@Command(
    name = "train-compare",
    mixinStandardHelpOptions = true,
    description = {
      "Train one model per norm scheme, audit them and compare.",
      "",
      "Train one model per norm scheme (same init, same data) into OUT/<scheme>/, audit each",
      "trained model on the eval batches (OUT/<scheme>/audit.json), and write OUT/comparison.json",
      "and a comparison report OUT/report.html (loss curves, variance and pruning side by side)."
    },
    footer = {
      "",
      "Examples:",
      "  depthscope train-compare --norms pre,lns,post,mix \\",
      "      --init testdata/trainer-reference/parity-6L/init \\",
      "      --train-tokens testdata/data/brown-bpe-4096/brown-train.u16 \\",
      "      --eval-tokens testdata/data/brown-bpe-4096/brown-eval.u16 --out runs/compare",
      "  depthscope train-compare --norms pre,lns --text testdata/data/brown-eval.txt \\",
      "      --tokenizer testdata/data/brown-bpe-4096 --out runs/cmp --quiet"
    })
final class TrainCompareCommand implements Callable<Integer> {
  @Option(
      names = "--norms",
      split = ",",
      defaultValue = "pre,lns",
      description = "Schemes to train, comma-separated (default ${DEFAULT-VALUE}).")
  List<String> norms;

  @Mixin TrainOptions options;

  @Mixin FiguresOption figures;

  @Mixin OutputOptions output;

  @Mixin DeviceOption device;

  /**
   * What {@code train-compare --json} prints.
   *
   * @param out the output directory
   * @param comparison {@code comparison.json}
   * @param report the comparison report
   * @param runs every trained and audited model, in {@code --norms} order
   */
  record Summary(String out, String comparison, String report, List<TrainedRun> runs) {}

  @Override
  public Integer call() throws IOException {
    Device d = device.require();
    List<Norm> parsed = new ArrayList<>();
    for (String n : norms) {
      parsed.add(Norm.parse(n));
    }
    var base = options.spec(parsed.get(0), options.out).on(d);
    AuditedComparison c;
    try (OutputSet set = options.lockOut()) {
      c = AuditedComparison.run(base, parsed, Norm::cliName, output.progress());
      ReportWriter.compareLabeled(c.audits(), c.curves(), set, figures.files());
      set.publish();
    }
    List<TrainResult> results = c.results();
    List<LabeledAudit> audits = c.audits();
    Path report = options.out.resolve(ReportWriter.HTML);
    Path comparison = options.out.resolve("comparison.json");
    if (output.json) {
      output.printJson(
          new Summary(options.out.toString(), comparison.toString(), report.toString(), c.runs()));
      return 0;
    }
    PrintWriter out = output.out();
    for (TrainResult r : results) {
      out.printf(
          Locale.ROOT,
          "%-5s final eval loss %.4f  %.0f tokens/s  %s%n",
          r.norm().cliName(),
          r.finalEvalLoss(),
          r.tokensPerSecond(),
          r.modelDir());
    }
    for (LabeledAudit a : audits) {
      AuditSummary s = a.audit().summary();
      out.printf(
          Locale.ROOT,
          "%-5s variance growth %.2fx, %d of %d blocks ineffective%n",
          a.label(),
          s.varianceGrowth(),
          s.ineffectiveLayers().size(),
          a.audit().model().layers());
    }
    out.printf(Locale.ROOT, "comparison: %s%n", comparison);
    out.printf(Locale.ROOT, "report: %s%n", report);
    out.flush();
    return 0;
  }
}
