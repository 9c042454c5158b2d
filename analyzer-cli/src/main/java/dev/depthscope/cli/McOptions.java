package dev.depthscope.cli;

import dev.depthscope.core.eval.McFormat;
import dev.depthscope.core.eval.McQuestions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The {@code --mc-*} options of {@code audit}: which lm-evaluation-harness prompt the questions of
 * {@code --mc} become, and its few-shot examples.
 */
final class McOptions {
  @Option(
      names = "--mc-format",
      paramLabel = "plain|mmlu",
      defaultValue = "plain",
      description =
          "Prompt of the --mc questions, as lm-evaluation-harness builds it. plain (default):"
              + " the question is the context and each answer text the choice. mmlu: lm-eval's"
              + " mmlu task, the question, \"A. ..\" to \"D. ..\", \"Answer:\", scoring the"
              + " letters \" A\"..\" D\" (4 choices). Example: --mc test.csv --mc-format mmlu"
              + " --mc-subject anatomy --mc-fewshot 5 --mc-dev dev.csv")
  String format;

  @Option(
      names = "--mc-subject",
      paramLabel = "NAME",
      description =
          "Starts the prompt with lm-eval's mmlu description line \"The following are multiple"
              + " choice questions (with answers) about NAME.\" (underscores read as spaces).")
  String subject;

  @Option(
      names = "--mc-fewshot",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "Few-shot examples before each question: the first N questions of --mc-dev, in file"
              + " order, each followed by \" \" + its answer and a blank line, as lm-eval's"
              + " first_n sampler (default: ${DEFAULT-VALUE}).")
  int fewshot;

  @Option(
      names = "--mc-dev",
      paramLabel = "FILE",
      description = "The few-shot pool for --mc-fewshot, in the format of --mc (JSONL or CSV).")
  Path dev;

  /** Refuses options that do not go together, before the model opens. */
  void check(Path mc) {
    McFormat.Style.parse(format);
    boolean any = subject != null || fewshot != 0 || dev != null || !"plain".equals(format);
    if (mc == null && any) {
      throw new IllegalArgumentException("the --mc-* options shape --mc questions: pass --mc FILE");
    }
    if (fewshot < 0) {
      throw new IllegalArgumentException("--mc-fewshot must be 0 or more, found " + fewshot);
    }
    if (fewshot > 0 && dev == null) {
      throw new IllegalArgumentException(
          "--mc-fewshot " + fewshot + " takes its examples from --mc-dev FILE: pass it");
    }
    if (dev != null && !Files.isReadable(dev)) {
      throw new IllegalArgumentException(
          dev + (Files.exists(dev) ? ": not readable" : ": no such file") + " (--mc-dev)");
    }
  }

  /** The prompt format (reads {@code --mc-dev} when few-shot examples are asked for). */
  McFormat read() {
    List<dev.depthscope.core.eval.McQuestion> pool =
        fewshot > 0 ? McQuestions.read(dev) : List.of();
    return new McFormat(McFormat.Style.parse(format), subject, fewshot, pool);
  }
}
