package dev.depthscope.cli;

import com.google.gson.JsonElement;
import dev.depthscope.core.analysis.AuditJson;
import java.io.PrintWriter;
import java.util.Locale;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --quiet} and {@code --json}, shared by every command as a picocli mixin, with the output
 * conventions they imply: results on standard output (a summary, or one JSON object with {@code
 * --json}), progress bars and status lines on standard error, no bars with {@code --quiet} or
 * {@code --json}, no status lines with {@code --quiet}.
 */
final class OutputOptions {
  @Option(
      names = "--quiet",
      description = "No progress bars and no status lines on standard error (errors still show).")
  boolean quiet;

  @Option(
      names = "--json",
      description =
          "Machine output: print the result as one JSON object on standard output instead of the"
              + " summary; logs stay on standard error; no progress bars.")
  boolean json;

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  /** Standard output of the command. */
  PrintWriter out() {
    return mixee.commandLine().getOut();
  }

  /** Standard error of the command. */
  PrintWriter err() {
    return mixee.commandLine().getErr();
  }

  /** The progress-bar factory: bars unless {@code --quiet} or {@code --json}. */
  Progress progress() {
    return Progress.on(err(), !quiet && !json);
  }

  /** Prints a status line on standard error unless {@code --quiet}. */
  void status(String format, Object... args) {
    if (!quiet) {
      err().printf(Locale.ROOT, format + "%n", args);
      err().flush();
    }
  }

  /**
   * Prints {@code depthscope: warning: ...} on standard error, even with {@code --quiet} (a warning
   * is about the result, not progress).
   */
  void warning(String format, Object... args) {
    err().printf(Locale.ROOT, "depthscope: warning: " + format + "%n", args);
    err().flush();
  }

  /** Prints {@code result} as JSON on standard output (pretty, snake_case as audit.json). */
  void printJson(Object result) {
    PrintWriter o = out();
    o.println(
        result instanceof JsonElement e
            ? AuditJson.gson().toJson(e)
            : AuditJson.gson().toJson(result));
    o.flush();
  }
}
