package dev.depthscope.cli;

import dev.depthscope.core.checkpoint.CheckpointException;
import dev.depthscope.core.config.ConfigException;
import dev.depthscope.core.io.OutputWriteException;
import dev.depthscope.core.model.NonFiniteException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Turns failures into one-line messages and exit codes: 2 for bad input or usage (a broken
 * checkpoint, a config we cannot read, weights whose activations overflow, a wrong option), 1 for
 * internal errors. Usage errors found by picocli get the same {@code depthscope: error: ...} line
 * as the rest, with "did you mean" for a mistyped command or option and the help command to run.
 * The stack trace is printed only with {@code --verbose}.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
  /** Exit code for bad input or usage. */
  static final int BAD_INPUT = 2;

  /** Exit code for an output that could not be written. */
  static final int CANNOT_WRITE = 3;

  /** Exit code for internal errors. */
  static final int INTERNAL = 1;

  /** What picocli's {@code help} subcommand says for an unknown name. */
  private static final Pattern UNKNOWN_SUBCOMMAND = Pattern.compile("Unknown subcommand '(.*)'\\.");

  @Override
  public int handleExecutionException(
      Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
    boolean verbose = parseResult.originalArgs().contains("--verbose");
    boolean badInput = isBadInput(e);
    cl.getErr().println("depthscope: error: " + message(e));
    if (e instanceof OutputWriteException) {
      if (verbose) {
        e.printStackTrace(cl.getErr());
      }
      return CANNOT_WRITE;
    }
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
        || e instanceof NonFiniteException
        || e instanceof IllegalArgumentException
        || e instanceof NoSuchFileException
        || e instanceof AccessDeniedException
        || e instanceof NotDirectoryException
        || e instanceof UncheckedIOException
        || e.getClass().getSimpleName().equals("TokenizerException");
  }

  /**
   * The message of {@code e}; a file-system exception, whose message is only the path, gets the
   * path once and what went wrong.
   */
  static String message(Exception e) {
    if (e instanceof FileSystemException f && f.getFile() != null) {
      String what =
          f instanceof NoSuchFileException
              ? "no such file or directory"
              : f instanceof AccessDeniedException
                  ? "permission denied"
                  : f instanceof NotDirectoryException
                      ? "not a directory"
                      : f.getReason() != null ? f.getReason() : "file system error";
      return f.getFile() + ": " + what;
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  static int usageError(CommandLine.ParameterException ex, String[] args) {
    CommandLine cl = ex.getCommandLine();
    cl.getErr()
        .println(
            "depthscope: error: "
                + describe(ex)
                + "; see '"
                + cl.getCommandSpec().qualifiedName()
                + " --help'");
    return BAD_INPUT;
  }

  /** picocli's complaint in our words: what was wrong, with suggestions for a typo. */
  static String describe(CommandLine.ParameterException ex) {
    CommandLine cl = ex.getCommandLine();
    if (ex instanceof CommandLine.UnmatchedArgumentException u && !u.getUnmatched().isEmpty()) {
      String first = u.getUnmatched().get(0);
      if (first.startsWith("-") && first.length() > 1) {
        return "unknown option '"
            + first
            + "'"
            + Suggestions.phrase(Suggestions.options(cl.getCommandSpec(), first));
      }
      if (!cl.getSubcommands().isEmpty()) {
        return unknownCommand(cl, first);
      }
      return "unexpected argument '" + first + "'";
    }
    String text = ex.getMessage() == null ? ex.toString() : ex.getMessage().strip();
    Matcher m = UNKNOWN_SUBCOMMAND.matcher(text);
    if (m.matches()) {
      return unknownCommand(cl, m.group(1));
    }
    if (text.startsWith("Error: ")) {
      text = text.substring("Error: ".length());
    }
    if (text.endsWith(".")) {
      text = text.substring(0, text.length() - 1);
    }
    return text.isEmpty()
        ? text
        : text.substring(0, 1).toLowerCase(Locale.ROOT) + text.substring(1);
  }

  private static String unknownCommand(CommandLine cl, String typed) {
    List<String> near = Suggestions.commands(cl, typed);
    return "unknown command '" + typed + "'" + Suggestions.phrase(near);
  }
}
