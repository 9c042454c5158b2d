package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every error is one {@code depthscope: error: ...} line with exit code 2 for bad input: picocli's
 * usage errors (with "did you mean"), missing files, wrong kinds of file, option rules.
 */
class ErrorMessagesTest {
  private static final String MODEL = TestData.model("llama-tiny-bf16").toString();

  /** The one line of standard error, checked to be the only one and in our voice. */
  private static String errorLine(Run r) {
    assertEquals(2, r.code(), "exit code for bad input or usage: " + r.err());
    assertEquals(1, r.err().lines().count(), "one line: " + r.err());
    String line = r.err().strip();
    assertTrue(line.startsWith("depthscope: error: "), line);
    for (String leak : new String[] {"Exception", "http", "gson", "\tat "}) {
      assertFalse(line.contains(leak), leak + " in: " + line);
    }
    return line;
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int i = text.indexOf(part); i >= 0; i = text.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  @Test
  void aMistypedCommandGetsASuggestionAndTheHelpToRead() {
    assertEquals(
        "depthscope: error: unknown command 'audti' (did you mean 'audit'?); see 'depthscope"
            + " --help'",
        errorLine(Run.of("audti")));
    assertEquals(
        "depthscope: error: unknown command 'audti' (did you mean 'audit'?); see 'depthscope"
            + " --help'",
        errorLine(Run.of("help", "audti")));
  }

  @Test
  void aMistypedOptionGetsTheNearestOption() {
    assertEquals(
        "depthscope: error: unknown option '--txt' (did you mean '--text'?); see 'depthscope audit"
            + " --help'",
        errorLine(Run.of("audit", MODEL, "--txt", "eval.txt")));
    assertTrue(
        errorLine(Run.of("--verison"))
            .contains("unknown option '--verison' (did you mean '--version'?)"));
    assertTrue(errorLine(Run.of("inspect", MODEL, "--jsonn")).contains("(did you mean '--json'?)"));
  }

  @Test
  void otherUsageErrorsUseTheSameVoice() {
    assertEquals(
        "depthscope: error: missing required option: '--out=DIR'; see 'depthscope compare --help'",
        errorLine(Run.of("compare", "a.json")));
    assertEquals(
        "depthscope: error: invalid value for option '--seq-len': 'abc' is not an int; see"
            + " 'depthscope audit --help'",
        errorLine(Run.of("audit", MODEL, "--seq-len", "abc")));
    assertEquals(
        "depthscope: error: unexpected argument 'extra'; see 'depthscope inspect --help'",
        errorLine(Run.of("inspect", MODEL, "extra")));
    assertTrue(
        errorLine(Run.of("audit", MODEL, "--text", "a", "--token-ids", "b"))
            .startsWith("depthscope: error: --text=FILE, --token-ids=FILE are mutually exclusive"));
  }

  @Test
  void anExistingFileGivenAsTheModelIsNotADirectory() {
    String config = TestData.model("llama-tiny-bf16").resolve("config.json").toString();
    assertEquals(
        "depthscope: error: "
            + config
            + ": not a directory; expected a model directory holding config.json",
        errorLine(Run.of("inspect", config)));
  }

  @Test
  void aMissingFileIsNamedOnce(@TempDir Path tmp) {
    Path none = tmp.resolve("none.txt");
    String line = errorLine(Run.of("audit", MODEL, "--text", none.toString()));
    assertEquals("depthscope: error: " + none + ": no such file", line);
    String mc = errorLine(Run.of("audit", MODEL, "--mc", tmp.resolve("q.jsonl").toString()));
    assertEquals(1, count(mc, "q.jsonl"), mc);
    String report = errorLine(Run.of("report", tmp.resolve("audit.json").toString()));
    assertEquals("depthscope: error: " + tmp.resolve("audit.json") + ": no such file", report);
    String curves =
        errorLine(
            Run.of(
                "compare", "--curves", tmp.resolve("c.json").toString(), "--out", tmp.toString()));
    assertEquals("depthscope: error: " + tmp.resolve("c.json") + ": no such file", curves);
  }

  @Test
  void seqLenZeroNamesTheOneBrokenRule() {
    String line =
        errorLine(
            Run.of("audit", MODEL, "--token-ids", "ids.json", "--seq-len", "0", "--batch", "4"));
    assertTrue(line.startsWith("depthscope: error: --seq-len must be at least 2"), line);
    assertTrue(line.endsWith("found 0"), line);
    assertFalse(line.contains("--batch") || line.contains("--threshold"), line);
    String batch = errorLine(Run.of("audit", MODEL, "--token-ids", "ids.json", "--batch", "0"));
    assertEquals("depthscope: error: --batch must be at least 1, found 0", batch);
  }

  @Test
  void aReportOfSomethingThatIsNotAnAuditCarriesNoLibraryText(@TempDir Path tmp) throws Exception {
    Path broken = Files.writeString(tmp.resolve("notjson.json"), "{\n");
    String line = errorLine(Run.of("report", broken.toString()));
    assertTrue(
        line.matches(
            "depthscope: error: .*notjson\\.json: not valid JSON at line \\d+, column \\d+"),
        line);
    Path text = Files.writeString(tmp.resolve("text.json"), "hello\n");
    assertEquals(
        "depthscope: error: "
            + text
            + ": expected a JSON object (an audit.json written by depthscope audit)",
        errorLine(Run.of("report", text.toString())));
    Path wrong =
        Files.writeString(
            tmp.resolve("wrong.json"),
            "{\"schema\": \"depthscope.audit/1\", \"metrics\": {\"variance\": [\"a\"]}}");
    assertEquals(
        "depthscope: error: "
            + wrong
            + ": not a valid audit.json: expected a number, found a string at"
            + " $.metrics.variance[0]",
        errorLine(Run.of("report", wrong.toString())));
  }
}
