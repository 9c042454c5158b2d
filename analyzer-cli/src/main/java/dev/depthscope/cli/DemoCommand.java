package dev.depthscope.cli;

import ai.djl.Device;
import dev.depthscope.core.analysis.AuditSummary;
import dev.depthscope.core.analysis.SchemeComparison;
import dev.depthscope.reports.LabeledAudit;
import dev.depthscope.reports.ReportWriter;
import dev.depthscope.trainer.data.SyntheticLanguage;
import dev.depthscope.trainer.data.WordTokenizerFiles;
import dev.depthscope.trainer.train.Hyperparameters;
import dev.depthscope.trainer.train.ModelShape;
import dev.depthscope.trainer.train.Norm;
import dev.depthscope.trainer.train.TokenStream;
import dev.depthscope.trainer.train.TrainResult;
import dev.depthscope.trainer.train.TrainSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code depthscope demo}: Pre-LN against LayerNorm Scaling in a few minutes, with nothing to
 * download. It generates a synthetic language, trains a Pre-LN and an LNS model of the same shape
 * from the same init on the same data, audits both on held-out text, measures each symptom of the
 * Curse of Depth with a 95% interval ({@link SeededComparison}) and writes one comparison report.
 * It claims only what those intervals show.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Pre-LN vs LayerNorm Scaling, measured with intervals, in minutes (nothing to download).",
      "",
      "1. generate a corpus in a seeded synthetic language (arithmetic, nested brackets,",
      "   agreement over distance, key lookup) and its word-level tokenizer;",
      "2. train a Pre-LN and an LNS model (24 blocks, d = 64, 150 steps) from one init on the",
      "   same data;",
      "3. audit both on 8 held-out batches and write DIR/report.html comparing them;",
      "4. print, per model and as LNS minus Pre-LN, each with a 95%% interval: the eval loss,",
      "   the variance growth h_L/h_1, the cost of removing the deep half together and the",
      "   deep half's Jacobian deviation ||J - I||_F / sqrt(BTD); then what the intervals show.",
      "With --seeds N the intervals are the spread over N seeds instead of the bootstrap."
    },
    footer = {
      "",
      "Examples:",
      "  depthscope demo --out depthscope-demo",
      "  depthscope demo --quick --json > demo.json",
      "  depthscope demo --seeds 3 --out demo-3-seeds"
    })
final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      paramLabel = "DIR",
      defaultValue = "depthscope-demo",
      description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--quick",
      description = "A much shorter run (for tests and a first look): fewer steps and layers.")
  boolean quick;

  @Option(
      names = "--steps",
      paramLabel = "N",
      description = "Training steps per model (default: " + STEPS + ", or 25 with --quick).")
  Integer steps;

  @Option(
      names = "--seed",
      paramLabel = "S",
      defaultValue = "7",
      description = "Seed of data and init (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--layers", description = "Blocks per model (default: 12, or 6 with --quick).")
  Integer layersOption;

  @Option(
      names = "--hidden",
      description = "Model width d (default: 64); heads = d / 16, MLP width = 11 d / 4.")
  Integer hiddenOption;

  @Mixin FiguresOption figures;

  @Mixin OutputOptions output;

  @Mixin DeviceOption device;

  /**
   * What {@code demo --json} prints.
   *
   * @param out the output directory
   * @param report the comparison report
   * @param seconds wall time of the whole demo
   * @param runs the Pre-LN and the LNS model, trained and audited (the first seed's)
   * @param seeds the seeds trained
   * @param comparison the symptoms of both models with their 95% intervals
   */
  record Summary(
      String out,
      String report,
      double seconds,
      List<TrainedRun> runs,
      List<Long> seeds,
      SchemeComparison comparison) {}

  /** Default blocks per model, chosen by measurement (README, "demo"). */
  static final int LAYERS = 24;

  /** Default width. */
  static final int HIDDEN = 64;

  /** Default training steps per model. */
  static final int STEPS = 150;

  /** Evaluation batches of 16 rows each model is evaluated and audited on (2 with --quick). */
  static final int EVAL_BATCHES = 8;

  @Option(
      names = "--seeds",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "Train N pairs (seeds SEED, SEED+1, ...; each its own data and init) into DIR/seed-<s>/"
              + " and give every figure the spread over the seeds (default ${DEFAULT-VALUE}:"
              + " bootstrap intervals over the eval batches and sequences).")
  int seeds;

  @Override
  public Integer call() throws IOException {
    if (seeds < 1) {
      throw new IllegalArgumentException("--seeds must be at least 1, got " + seeds);
    }
    Device d = device.require();
    long t0 = System.nanoTime();
    Progress progress = output.progress();
    int layers = layersOption != null ? layersOption : quick ? 6 : LAYERS;
    int hidden = hiddenOption != null ? hiddenOption : HIDDEN;
    int trainSteps = steps != null ? steps : quick ? 25 : STEPS;
    output.status(
        "depthscope demo: a synthetic language; two %d-layer models (d = %d), %d steps each%s",
        layers, hidden, trainSteps, seeds > 1 ? ", " + seeds + " seeds" : "");
    List<Norm> norms = List.of(Norm.PRE, Norm.LNS);
    SeededComparison sc =
        SeededComparison.run(
            seed,
            seeds,
            s ->
                spec(s, seeds == 1 ? out : out.resolve("seed-" + s), layers, hidden, trainSteps, d),
            norms,
            n -> n == Norm.PRE ? "Pre-LN" : "LNS",
            progress,
            line -> output.status("%s", line));
    AuditedComparison c = sc.runs().get(0);
    List<TrainResult> results = c.results();
    List<LabeledAudit> audits = c.audits();
    Files.createDirectories(out);
    Files.writeString(out.resolve(SeededComparison.FILE), sc.jsonText());
    Path report =
        ReportWriter.compareLabeled(audits, c.curves(), out, figures.files(), sc.comparison());
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (output.json) {
      output.printJson(
          new Summary(
              out.toString(), report.toString(), seconds, c.runs(), sc.seeds(), sc.comparison()));
      return 0;
    }
    PrintWriter o = output.out();
    // A blank status line sets the table apart from the progress above it; stdout starts with it.
    output.status("");
    if (seeds > 1) {
      o.printf(Locale.ROOT, "seed %d of %s:%n", sc.seeds().get(0), sc.seeds());
    }
    o.printf(
        Locale.ROOT,
        "%-8s %10s %16s %22s%n",
        "model",
        "eval loss",
        "variance growth",
        "ineffective blocks");
    for (int i = 0; i < audits.size(); i++) {
      AuditSummary s = audits.get(i).audit().summary();
      o.printf(
          Locale.ROOT,
          "%-8s %10.4f %15.2fx %15d of %d%n",
          audits.get(i).label(),
          results.get(i).finalEvalLoss(),
          s.varianceGrowth(),
          s.ineffectiveLayers().size(),
          layers);
    }
    o.println();
    SchemeTable.print(o, sc.comparison());
    o.println();
    o.printf(Locale.ROOT, "report: %s (%.0f s)%n", report, seconds);
    o.flush();
    return 0;
  }

  /** Seed {@code s}'s corpus (written to {@code dir/data}) and the spec training on it. */
  private TrainSpec spec(long s, Path dir, int layers, int hidden, int trainSteps, Device d) {
    SyntheticLanguage lang = new SyntheticLanguage();
    int seq = 64;
    int batch = 16;
    Hyperparameters h =
        new Hyperparameters(
            trainSteps,
            batch,
            seq,
            3e-3,
            Math.max(1, trainSteps / 10),
            0.1,
            0.1,
            1.0,
            0.9,
            0.95,
            1e-8,
            quick ? 2 : EVAL_BATCHES,
            16,
            0,
            s);
    // Enough text that training never repeats a window: steps * batch * seq tokens.
    int sentences = (int) Math.max(2000, (long) trainSteps * batch * seq / 9);
    List<String> trainText = lang.sentences(s, sentences);
    List<String> evalText = lang.sentences(s + 1_000_003L, 1500);
    Path data = dir.resolve("data");
    try {
      Files.createDirectories(data);
      Files.write(data.resolve("train.txt"), trainText, StandardCharsets.UTF_8);
      Files.write(data.resolve("eval.txt"), evalText, StandardCharsets.UTF_8);
      WordTokenizerFiles.write(data, lang);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TokenStream train = TokenStream.of(lang.stream(trainText), "demo train.txt");
    TokenStream eval = TokenStream.of(lang.stream(evalText), "demo eval.txt");
    ModelShape shape =
        new ModelShape(
            layers, hidden, hidden / 16, hidden / 16, 11 * hidden / 4, lang.vocab().size());
    return new TrainSpec(Norm.PRE, false, null, shape, h, train, eval, data, dir, d);
  }
}
