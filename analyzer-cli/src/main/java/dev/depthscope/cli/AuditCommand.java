package dev.depthscope.cli;

import ai.djl.Device;
import dev.depthscope.core.analysis.AuditEngine;
import dev.depthscope.core.analysis.AuditFingerprint;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditPlan;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.FileJournal;
import dev.depthscope.core.analysis.LayerAudit;
import dev.depthscope.core.analysis.McSamplesFile;
import dev.depthscope.core.analysis.PruningSweep;
import dev.depthscope.core.analysis.RemovalSearch;
import dev.depthscope.core.checkpoint.ModelLocator;
import dev.depthscope.core.io.OutputSet;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.HeadCost;
import dev.depthscope.reports.Caveats;
import dev.depthscope.reports.ReportWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code depthscope audit}: measures what each layer does and what removing it costs, and writes
 * {@code audit.json}.
 */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    customSynopsis = {
      "depthscope audit MODEL (--text FILE | --token-ids FILE) [--mc FILE] [OPTIONS]",
      "       depthscope audit MODEL --mc FILE [OPTIONS]"
    },
    description = {
      "Measure each layer and the cost of removing it; write audit.json.",
      "",
      "Audit every layer: output variance, angular distance and block influence between layers,",
      "the n-layers-ahead distance matrix, and the NLL (and multiple-choice accuracy) with each",
      "block removed, with 95%% bootstrap intervals. Writes DIR/audit.json atomically and prints",
      "a summary; beside it report.html, layers.csv and the charts as PNG and/or SVG files",
      "(--figures), unless --no-report. Removing block l cannot change h_0..h_l, so the sweep",
      "reuses the baseline pass and costs L(L+1)/2 block evaluations per batch instead of L(L+1)",
      "for a baseline plus L full passes. With --mc alone it measures only the multiple-choice",
      "accuracies. --search measures removing several blocks together."
    },
    footer = {
      "",
      "Examples:",
      "  depthscope audit testdata/trained/llama-24L-brown-pre --text testdata/data/brown-eval.txt",
      "  depthscope audit testdata/fixtures/llama-tiny-bf16 \\",
      "      --token-ids testdata/fixtures/llama-tiny-bf16/reference/activations.safetensors",
      "  depthscope audit Qwen/Qwen3-0.6B --text my-eval.txt --mc my-questions.jsonl --seq-len 1024",
      "  depthscope audit Qwen/Qwen3-0.6B --revision main --mc my-mmlu.csv",
      "  depthscope audit Qwen/Qwen3-0.6B --mc anatomy_test.csv --mc-format mmlu \\",
      "      --mc-subject anatomy --mc-fewshot 5 --mc-dev anatomy_dev.csv",
      "  depthscope audit Qwen/Qwen3-0.6B --text my-eval.txt --json --no-report > audit.json",
      "  depthscope audit Qwen/Qwen3-0.6B --text my-eval.txt --figures svg --heatmap paper",
      "  depthscope audit testdata/fixtures/llama-tiny-sharded-fp32 \\",
      "      --token-ids testdata/fixtures/llama-tiny-sharded-fp32/reference/activations.safetensors \\",
      "      --search all --remove-up-to 4",
      "  depthscope audit testdata/trained/llama-24L-brown-pre --text testdata/data/brown-eval.txt \\",
      "      --jacobian --jacobian-probes 4",
      "  ./depthscope-spark audit testdata/trained/llama-24L-brown-pre \\",
      "      --text testdata/data/brown-eval.txt --spark 'local[2]' --spark-partitions 4"
    })
final class AuditCommand implements Callable<Integer> {
  @Mixin ModelArgument model;

  static final class NllSource {
    @Option(
        names = "--text",
        paramLabel = "FILE",
        description =
            "UTF-8 text: tokenized, cut into windows of --seq-len tokens (with the tokenizer's BOS"
                + " first when it adds one), at most --max-tokens.")
    Path text;

    @Option(
        names = "--token-ids",
        paramLabel = "FILE",
        description =
            "Token ids as for `depthscope trace` (JSON [[...], ...] or safetensors input_ids);"
                + " rows used exactly as given.")
    Path tokenIds;
  }

  @ArgGroup(exclusive = true, multiplicity = "0..1")
  NllSource nll;

  @Option(
      names = "--mc",
      paramLabel = "FILE",
      description =
          "Multiple-choice questions: JSONL {\"question\", \"choices\", \"answer\" (0-based)} or"
              + " MMLU-style CSV (question,A,B,C,D,letter; a header row is skipped), scored as"
              + " lm-evaluation-harness 0.4.13's hf backend scores a multiple_choice task: context"
              + " and \" \" + choice encoded together and split, the tokenizer's default BOS, left"
              + " truncation to max_position_embeddings; acc (first of the highest log-likelihoods)"
              + " and acc_norm (log-likelihood per character of the choice). Per-question"
              + " log-likelihoods go to mc_samples.jsonl. Alone, or with --text or --token-ids.")
  Path mc;

  @Mixin McOptions mcOptions;

  @Option(
      names = "--tokenizer",
      paramLabel = "DIR",
      description = "Directory with tokenizer.json (default: the model's).")
  Path tokenizer;

  @Option(
      names = "--seq-len",
      defaultValue = "512",
      description = "Tokens per window for --text (default: ${DEFAULT-VALUE}).")
  int seqLen;

  @Option(
      names = "--allow-longer",
      description =
          "Audit sequences longer than the model's max_position_embeddings (refused by default:"
              + " positions past the trained context make the NLL meaningless); warns.")
  boolean allowLonger;

  @Option(
      names = "--max-tokens",
      defaultValue = "32768",
      description = "At most this many tokens of --text (default: ${DEFAULT-VALUE}).")
  long maxTokens;

  @Option(
      names = "--batch",
      defaultValue = "4",
      description = "Sequences per forward batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--threshold",
      defaultValue = "0.01",
      description =
          "A layer is ineffective when removing it raises the NLL by less than this fraction of"
              + " the baseline; finite, at least 0 (default: ${DEFAULT-VALUE}).")
  double threshold;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description =
          "Output directory (default: depthscope-audit/NAME, NAME the model directory's name,"
              + " or the name of org/name; NAME-2, NAME-3, ... when it already holds an audit)."
              + " A directory that already holds results is refused unless --force.")
  Path out;

  @Option(
      names = "--force",
      description =
          "Replace the results already in the output directory (the new set replaces the old one"
              + " whole; files depthscope did not write are kept).")
  boolean force;

  @Option(
      names = "--resume",
      description =
          "Continue an interrupted audit (killed, Ctrl-C, power loss) of the same output directory"
              + " from its journal: finished chunks of the sweep (about a tenth of it each) and"
              + " joint passes are not run again, and audit.json is the same to the bit as an"
              + " uninterrupted run's. Refused when the model, the data or an option that changes"
              + " the numbers differs; without a journal the audit starts from the beginning.")
  boolean resume;

  @Spec CommandSpec spec;

  @Option(
      names = "--memory-budget",
      paramLabel = "SIZE",
      description =
          "Native memory for the hidden states the pruning sweep carries (e.g. 8g, 512m);"
              + " beyond it they spill to a temporary file. Default: half of the free RAM.")
  String memoryBudget;

  @Option(
      names = "--spill-dir",
      paramLabel = "DIR",
      description = "Directory for the spill file (default: java.io.tmpdir).")
  Path spillDir;

  @Option(
      names = "--resident",
      description =
          "Keep every block's float32 weights in memory instead of streaming one block at a time"
              + " (faster for models that fit; refused when the estimate exceeds free RAM).")
  boolean resident;

  /** Which removal-search strategies {@code --search} runs. */
  enum Search {
    greedy,
    contiguous,
    all
  }

  @Option(
      names = "--search",
      paramLabel = "STRATEGY",
      description =
          "Also measure removing several blocks together, for k = 1..--remove-up-to: greedy"
              + " (SLEB's rule: add the block whose joint removal raises the NLL least), contiguous"
              + " (for each k, the window of k blocks with the smallest last-token angular"
              + " distance, and the window with the lowest measured NLL among all), or all (both)."
              + " Needs --text or --token-ids.")
  Search search;

  @Option(
      names = "--remove-up-to",
      paramLabel = "K",
      description =
          "Largest number of blocks --search removes together (default: 8, or L-1 for models of"
              + " fewer than 9 blocks).")
  Integer removeUpTo;

  @Mixin FiguresOption figures;

  @Mixin HeatmapOption heatmap;

  @Mixin OutputOptions output;

  @Mixin DeviceOption device;

  @Mixin SparkOption spark;

  @Mixin MechanismOptions mechanism;

  @Option(
      names = "--no-report",
      description = "Write only audit.json (no report.html, layers.csv or chart files).")
  boolean noReport;

  @Override
  public Integer call() throws Exception {
    AuditArgumentChecks.check(this);
    Device d = device.require();
    AuditEngine engine = spark.require();
    ModelLocator.Located located = model.locate();
    Path dir = located.dir();
    PrintWriter err = output.err();
    Progress progress = output.progress();
    long t0 = System.nanoTime();
    output.status("opening %s ...", dir);
    if (resident) {
      Residency.requireFits(dir);
    }
    Path outDir = out != null ? out : freshDefault(defaultOut(located));
    AuditResume journaling =
        new AuditResume(
            resume,
            force,
            output,
            spec.commandLine().getParseResult().originalArgs(),
            outDir,
            out != null);
    try (OutputSet set =
            journaling.openSet(
                outDir, force ? OutputSet.Existing.REPLACE : OutputSet.Existing.REFUSE);
        CausalLm lm =
            ModelLoading.open(
                dir,
                resident ? CausalLm.Residency.RESIDENT : CausalLm.Residency.STREAMING,
                d,
                progress,
                err::println)) {
      long t1 = System.nanoTime();
      LayerAudit.Inputs inputs =
          new AuditInputs(
                  nll == null ? null : nll.text,
                  nll == null ? null : nll.tokenIds,
                  mc,
                  tokenizerDir(dir),
                  seqLen,
                  maxTokens,
                  allowLonger,
                  mc == null ? null : mcOptions.read())
              .read(lm, output);
      BatchLimits.check(lm.config(), inputs, batch);
      double dataSeconds = (System.nanoTime() - t1) / 1e9;
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      long budget = memoryBudget == null ? Sizes.defaultBudget() : Sizes.parse(memoryBudget);
      Path spill = spillDir != null ? spillDir : Path.of(System.getProperty("java.io.tmpdir"));
      output.status("memory budget for carried hidden states: %s", Sizes.human(budget));
      output.status("auditing %s: %d layers on %s", dir, lm.config().numLayers(), inputs.source());
      AuditResult result;
      try (Progress.Bar bar = progress.sweep("audit")) {
        AuditListener listener = new AuditListener(bar, line -> output.status("%s", line));
        LayerAudit.Options options =
            new LayerAudit.Options(
                threshold,
                batch,
                new PruningSweep.Settings(budget, spill, AuditResume.paced(listener)),
                searchOptions(lm.config().numLayers()),
                mechanism.toOptions());
        // Text states run the head at every position, question rows only at their few scored
        // ones: the text's states (scored first) weigh what the head costs, the questions' one.
        bar.weighStates(
            HeadCost.inBlocks(lm.config()),
            LayerAudit.plannedTextStatesScored(lm, inputs, options));
        // A Spark plan's chunk count follows its parallelism: the engine opens the journal for it.
        FileJournal journal =
            engine != null
                ? null
                : journaling.open(
                    set,
                    AuditFingerprint.of(
                        dir, inputs, options, lm.config().numLayers(), d.toString()));
        try {
          result =
              engine == null
                  ? LayerAudit.run(lm, dir, located.name(), inputs, options, journal)
                  : spark.run(
                      engine,
                      lm,
                      dir,
                      located.name(),
                      inputs,
                      options,
                      plan ->
                          sparkJournal(journaling, set, dir, inputs, options, plan, d.toString()));
        } catch (Exception e) {
          throw journaling.failed(e);
        }
      }
      journaling.report();
      try {
        publish(result, inputs, set, outDir, loadSeconds, dataSeconds);
      } catch (Exception e) {
        throw journaling.failed(e);
      }
      journaling.published();
    }
    return 0;
  }

  /** The journal of a Spark audit, for the plan its engine made. */
  private static FileJournal sparkJournal(
      AuditResume journaling,
      OutputSet set,
      Path dir,
      LayerAudit.Inputs inputs,
      LayerAudit.Options options,
      AuditPlan plan,
      String device) {
    try {
      return journaling.open(set, AuditFingerprint.of(dir, inputs, options, plan, device));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void publish(
      AuditResult result,
      LayerAudit.Inputs inputs,
      OutputSet set,
      Path outDir,
      double loadSeconds,
      double dataSeconds)
      throws IOException {
    PrintWriter o = output.out();
    result.timings().put("load_seconds", loadSeconds);
    result.timings().put("eval_data_seconds", dataSeconds);
    Path file = outDir.resolve(AuditJson.FILE);
    AuditJson.write(result, set);
    if (inputs.mc() != null) {
      McSamplesFile.write(
          result.mc(), inputs.mc().questions().stream().map(q -> q.answer()).toList(), set);
    }
    Path report = null;
    if (!noReport) {
      output.status("writing report (charts, layers.csv, report.html) ...");
      ReportWriter.single(result, List.of(), set, figures.files(), heatmap.style());
      report = outDir.resolve(ReportWriter.HTML);
    }
    set.publish();
    if (output.json) {
      Caveats.of(result).forEach(c -> output.warning("%s", c));
      o.println(AuditJson.gson().toJson(result));
    } else {
      new AuditConsoleSummary(result).print(o);
      o.println("wrote " + file);
      if (report != null) {
        o.println("wrote " + report);
      }
    }
    o.flush();
  }

  private RemovalSearch.Options searchOptions(int layers) {
    if (search == null) {
      return null;
    }
    int k = removeUpTo != null ? removeUpTo : Math.min(8, layers - 1);
    if (k < 1 || k >= layers) {
      throw new IllegalArgumentException(
          "--remove-up-to must be between 1 and "
              + (layers - 1)
              + " (the model has "
              + layers
              + " blocks), got "
              + k);
    }
    return new RemovalSearch.Options(search != Search.contiguous, search != Search.greedy, k);
  }

  /**
   * Where an audit goes without {@code --out}: {@code depthscope-audit/NAME}, NAME the last part of
   * the model's name (the directory's name, or {@code name} of {@code org/name}).
   */
  static Path defaultOut(ModelLocator.Located model) {
    return Path.of("depthscope-audit", model.shortName());
  }

  // The default directory, or a fresh one beside it when it holds an earlier audit (said on
  // stderr).
  private Path freshDefault(Path dir) throws IOException {
    Path fresh = force ? dir : fresh(dir);
    if (!fresh.equals(dir)) {
      output.status(
          "%s already holds an audit; writing %s (pass --force to replace it)", dir, fresh);
    }
    return fresh;
  }

  /**
   * {@code dir}, or the first of {@code dir-2}, {@code dir-3}, ... that holds no results yet, so a
   * run in the default directory never replaces an earlier audit.
   */
  static Path fresh(Path dir) throws IOException {
    Path fresh = dir;
    for (int n = 2; OutputSet.holdsResults(fresh); n++) {
      fresh = dir.resolveSibling(dir.getFileName() + "-" + n);
    }
    return fresh;
  }

  private Path tokenizerDir(Path modelDir) {
    return tokenizer != null ? tokenizer : modelDir;
  }
}
