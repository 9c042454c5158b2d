package dev.depthscope.cli;

import dev.depthscope.core.checkpoint.CheckpointException;
import dev.depthscope.core.config.ConfigException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;

/**
 * Turns failures into one-line messages and exit codes: 2 for bad input or usage (a broken
 * checkpoint, a config we cannot read, a wrong option), 1 for internal errors. The stack trace is
 * printed only with {@code --verbose}.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  /** Exit code for bad input or usage. */
  static final int BAD_INPUT = 2;

  /** Exit code for internal errors. */
  static final int INTERNAL = 1;

  @Override
  public int handleExecutionException(
      Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
    boolean verbose = parseResult.originalArgs().contains("--verbose");
    boolean badInput = isBadInput(e);
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    cl.getErr().println("depthscope: error: " + message);
    boolean diverged = e.getClass().getSimpleName().equals("TrainingDivergedException");
    if (verbose) {
      e.printStackTrace(cl.getErr());
    } else if (diverged) {
      cl.getErr().println("  (hint: lower --lr or raise --warmup; --clip bounds each update)");
    } else if (!badInput) {
      cl.getErr().println("  (internal error; run again with --verbose for the stack trace)");
    }
    return badInput ? BAD_INPUT : INTERNAL;
  }

  static boolean isBadInput(Throwable e) {
    return e instanceof CheckpointException
        || e instanceof ConfigException
        || e instanceof IllegalArgumentException
        || e instanceof NoSuchFileException
        || e instanceof UncheckedIOException
        || e.getClass().getSimpleName().equals("TokenizerException");
  }

  static int usageError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    cl.getErr().println("depthscope: " + ex.getMessage());
    cl.getErr().println("  (see: depthscope " + cl.getCommandName() + " --help)");
    return BAD_INPUT;
  }
}
