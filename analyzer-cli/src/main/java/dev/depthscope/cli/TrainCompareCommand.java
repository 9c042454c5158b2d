package dev.depthscope.cli;

import ai.djl.Device;
import dev.depthscope.core.analysis.AuditSummary;
import dev.depthscope.core.analysis.SchemeComparison;
import dev.depthscope.core.io.OutputSet;
import dev.depthscope.reports.LabeledAudit;
import dev.depthscope.reports.ReportWriter;
import dev.depthscope.trainer.train.Norm;
import dev.depthscope.trainer.train.TrainResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
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
      "and a comparison report OUT/report.html (loss curves, variance and pruning side by side).",
      "Prints, and writes to OUT/scheme-comparison.json, each symptom with a 95%% interval: eval",
      "loss, variance growth h_L/h_1 and the joint removal cost of the deep half, per scheme and",
      "as the difference from the first scheme (bootstrap over eval batches and sequences, or with",
      "--seeds N the spread over N seeds)."
    },
    footer = {
      "",
      "Examples:",
      "  depthscope train-compare --norms pre,lns,post,mix \\",
      "      --init testdata/trainer-reference/parity-6L/init \\",
      "      --train-tokens testdata/data/brown-bpe-4096/brown-train.u16 \\",
      "      --eval-tokens testdata/data/brown-bpe-4096/brown-eval.u16 --out runs/compare",
      "  depthscope train-compare --norms pre,lns --text testdata/data/brown-eval.txt \\",
      "      --tokenizer testdata/data/brown-bpe-4096 --out runs/cmp --quiet",
      "  depthscope train-compare --norms pre,lns --seeds 3 --layers 12 --steps 200 \\",
      "      --text testdata/data/brown-eval.txt --tokenizer testdata/data/brown-bpe-4096 \\",
      "      --out runs/cmp3"
    })
final class TrainCompareCommand implements Callable<Integer> {
  @Option(
      names = "--norms",
      split = ",",
      defaultValue = "pre,lns",
      description = "Schemes to train, comma-separated (default ${DEFAULT-VALUE}).")
  List<String> norms;

  @Option(
      names = "--seeds",
      defaultValue = "1",
      paramLabel = "N",
      description =
          "Train every scheme N times (init seeds --seed, --seed+1, ...; from the second seed on"
              + " the train stream starts at a seed-dependent offset, another data order) into"
              + " OUT/seed-<s>/<scheme>/, and give each figure of the scheme comparison the"
              + " spread over the N seeds (95%% t-interval) instead of the bootstrap over eval"
              + " batches (default ${DEFAULT-VALUE}). With --init only the data order varies.")
  int seeds;

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
   * @param runs every trained and audited model of the first seed, in {@code --norms} order
   * @param seeds the seeds trained
   * @param schemes the symptoms of every scheme with their 95% intervals ({@code
   *     scheme-comparison.json})
   */
  record Summary(
      String out,
      String comparison,
      String report,
      List<TrainedRun> runs,
      List<Long> seeds,
      SchemeComparison schemes) {}

  @Override
  public Integer call() throws IOException {
    Device d = device.require();
    List<Norm> parsed = new ArrayList<>();
    for (String n : norms) {
      parsed.add(Norm.parse(n));
    }
    if (seeds < 1) {
      throw new IllegalArgumentException("--seeds must be at least 1, got " + seeds);
    }
    var base = options.spec(parsed.get(0), options.out).on(d);
    long first = base.hyperparameters().seed();
    SeededComparison sc;
    AuditedComparison c;
    try (OutputSet set = options.lockOut()) {
      sc =
          SeededComparison.run(
              first,
              seeds,
              s -> SeededComparison.trainCompareSpec(base, first, seeds, s),
              parsed,
              Norm::cliName,
              output.progress(),
              line -> output.status("%s", line));
      c = sc.runs().get(0);
      set.write(SeededComparison.FILE, sc.jsonText().getBytes(StandardCharsets.UTF_8));
      ReportWriter.compareLabeled(c.audits(), c.curves(), set, figures.files(), sc.comparison());
      set.publish();
    }
    List<TrainResult> results = c.results();
    List<LabeledAudit> audits = c.audits();
    Path report = options.out.resolve(ReportWriter.HTML);
    Path comparison = c.results().get(0).modelDir().getParent().resolveSibling("comparison.json");
    if (output.json) {
      output.printJson(
          new Summary(
              options.out.toString(),
              comparison.toString(),
              report.toString(),
              c.runs(),
              sc.seeds(),
              sc.comparison()));
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
    out.println();
    SchemeTable.print(out, sc.comparison());
    out.println();
    out.printf(Locale.ROOT, "comparison: %s%n", comparison);
    out.printf(Locale.ROOT, "scheme comparison: %s%n", options.out.resolve(SeededComparison.FILE));
    out.printf(Locale.ROOT, "report: %s%n", report);
    out.flush();
    return 0;
  }
}
