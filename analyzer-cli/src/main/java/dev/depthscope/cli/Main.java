package dev.depthscope.cli;

import dev.depthscope.core.checkpoint.ModelLocator;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Entry point of the {@code depthscope} command: finds which layers of an LLM pull their weight.
 */
@Command(
    name = "depthscope",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = {
      "Audits which layers of a large language model actually work (the Curse of Depth).",
      "",
      "Models are Hugging Face checkpoints: a directory, or org/name from the local cache.",
      "Nothing is ever downloaded."
    },
    subcommands = {
      InspectCommand.class,
      TraceCommand.class,
      AuditCommand.class,
      PruneCommand.class,
      ReportCommand.class,
      CompareCommand.class,
      TrainCommand.class,
      TrainCompareCommand.class,
      DemoCommand.class,
      ModelsCommand.class,
      picocli.AutoComplete.GenerateCompletion.class,
      dev.depthscope.cli.bench.BenchCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Examples (testdata/ is the test data of the depthscope checkout: run them from there):",
      "  depthscope inspect testdata/fixtures/llama-tiny-bf16",
      "  depthscope audit testdata/trained/llama-24L-brown-pre --text testdata/data/brown-eval.txt",
      "  depthscope audit Qwen/Qwen3-0.6B --text my-eval.txt --quiet      # from the local cache",
      "  depthscope demo --quick --json",
      "  source <(depthscope generate-completion)",
      "",
      "Output: results on stdout (one JSON object with --json); progress bars and logs on",
      "stderr (no bars with --quiet or --json).",
      "",
      "Exit codes: 0 ok, 2 bad input or usage, 1 internal error."
    })
public final class Main implements Runnable {
  @Option(
      names = "--verbose",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Show stack traces and library logs.")
  boolean verbose;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Builds the command line with our error handling (used by tests too). */
  public static CommandLine commandLine() {
    return commandLine(new ModelLocator());
  }

  /**
   * The command line with {@code locator} resolving every MODEL argument (tests use a fake cache).
   */
  static CommandLine commandLine(ModelLocator locator) {
    CommandLine cl = new CommandLine(new Main(), new Factory(locator));
    // The help texts are written for 100 columns; picocli's default of 80 broke their lines.
    cl.setUsageHelpWidth(100);
    footer(
        cl,
        "generate-completion",
        "  source <(depthscope generate-completion)          # this shell (bash or zsh)",
        "  depthscope generate-completion > ~/.depthscope-completion.bash");
    footer(cl, "help", "  depthscope help audit");
    cl.setExecutionExceptionHandler(new ErrorHandler());
    cl.setParameterExceptionHandler(ErrorHandler::usageError);
    return cl;
  }

  /** picocli's factory, but every MODEL argument gets {@code locator}. */
  private record Factory(ModelLocator locator) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> cls) throws Exception {
      return cls == ModelArgument.class
          ? cls.cast(new ModelArgument(locator))
          : CommandLine.defaultFactory().create(cls);
    }
  }

  /** Gives a built-in picocli subcommand an Examples footer like ours. */
  private static void footer(CommandLine cl, String command, String... examples) {
    List<String> lines = new ArrayList<>(List.of("", "Examples:"));
    lines.addAll(List.of(examples));
    cl.getSubcommands()
        .get(command)
        .getCommandSpec()
        .usageMessage()
        .footer(lines.toArray(String[]::new));
  }

  /** Runs the command and exits with its code. */
  public static void main(String[] args) {
    boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
    if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", verbose ? "info" : "warn");
    }
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    if (!verbose) {
      // DJL probes for CUDA on every start and warns when there is none; on CPU that is noise.
      System.setProperty("org.slf4j.simpleLogger.log.ai.djl.util.cuda.CudaUtils", "error");
    }
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    System.exit(commandLine().execute(args));
  }
}
