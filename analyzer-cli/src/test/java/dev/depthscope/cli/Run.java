package dev.depthscope.cli;

import dev.depthscope.core.checkpoint.ModelLocator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import picocli.CommandLine;

/**
 * One in-process run of the {@code depthscope} command line, as the launcher would run it.
 *
 * @param code exit code
 * @param out standard output
 * @param err standard error
 */
record Run(int code, String out, String err) {
  /** Runs {@code args} through {@link Main#commandLine()} and captures both streams. */
  static Run of(String... args) {
    return run(Main.commandLine(), args);
  }

  /**
   * Runs {@code args} with {@code env} as the environment the MODEL lookup reads (e.g. {@code
   * HF_HUB_CACHE} pointing at a fake Hugging Face cache).
   */
  static Run withEnv(Map<String, String> env, String... args) {
    Path home = Path.of(System.getProperty("user.home"));
    return run(Main.commandLine(new ModelLocator(env, home)), args);
  }

  private static Run run(CommandLine cl, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args);
    return new Run(code, out.toString(), err.toString());
  }
}
