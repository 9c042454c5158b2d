package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code audit --resume}: an audit killed with SIGKILL mid-sweep in a child process and resumed
 * writes the metrics of an uninterrupted audit to the bit, in streaming and resident mode; a normal
 * run refuses to start over the interrupted one, and a resume with other inputs is refused naming
 * what differs.
 */
class ResumeAuditTest {
  @TempDir Path tmp;

  private List<String> args(Path mc, Path out, boolean resident) {
    Path dir = TestData.model("llama-tiny-bf16");
    List<String> a =
        new ArrayList<>(
            List.of(
                "audit",
                dir.toString(),
                "--text",
                TestData.root().resolve("data/brown-eval.txt").toString(),
                "--seq-len",
                "16",
                "--max-tokens",
                "480",
                "--batch",
                "2",
                "--mc",
                mc.toString(),
                "--search",
                "contiguous",
                "--remove-up-to",
                "2",
                "--no-report",
                "--quiet",
                "--out",
                out.toString()));
    if (resident) {
      a.add("--resident");
    }
    return a;
  }

  @ParameterizedTest(name = "resident={0}")
  @ValueSource(booleans = {false, true})
  void auditKilledMidSweepResumesToTheUninterruptedMetrics(boolean resident) throws Exception {
    Path mc =
        Files.writeString(
            tmp.resolve("q.csv"),
            "The cat sat on the,mat,sky,of,run,A\n"
                + "He said that the,man was here,the the,and,is,A\n"
                + "In the year,she,and,1961,it was,C\n"
                + "They went to,be,school,the,of,B\n");
    Path reference = tmp.resolve("reference");
    Run ref = Run.of(args(mc, reference, resident).toArray(String[]::new));
    assertEquals(0, ref.code(), ref.err());

    Path out = tmp.resolve("killed");
    Path journal = tmp.resolve(".killed.journal");
    Process child = child(args(mc, out, resident), journal);
    child.destroyForcibly(); // SIGKILL: no shutdown hook, no finally block runs
    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    String log = Files.readString(tmp.resolve("child.txt"), StandardCharsets.UTF_8);
    assertTrue(chunks(journal) >= 2, "the child journaled chunks before the kill: " + log);
    assertFalse(Files.exists(out.resolve("audit.json")), "killed before it finished: " + log);

    // A normal run does not start over the interrupted audit; it says how to resume it.
    Run again = Run.of(args(mc, out, resident).toArray(String[]::new));
    assertEquals(2, again.code(), again.err());
    assertTrue(again.err().contains("holds an interrupted audit"), again.err());
    assertTrue(again.err().contains("--resume"), again.err());

    // Other inputs are refused, naming the field that differs.
    List<String> other = args(mc, out, resident);
    other.set(other.indexOf("--batch") + 1, "3");
    other.add("--resume");
    Run refused = Run.of(other.toArray(String[]::new));
    assertEquals(2, refused.code(), refused.err());
    assertTrue(refused.err().contains("batch: 2 in the journal, 3 now"), refused.err());

    int before = chunks(journal);
    List<String> resume = args(mc, out, resident);
    resume.remove("--quiet");
    resume.add("--resume");
    Run resumed = Run.of(resume.toArray(String[]::new));
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(
        resumed.err().contains("taken from the journal: " + before + " chunks"), resumed.err());
    assertFalse(Files.exists(journal), "the journal is deleted once the audit is published");

    JsonObject a = read(reference.resolve("audit.json"));
    JsonObject b = read(out.resolve("audit.json"));
    // The numbers as written (shortest round-trip decimal of each double): equal text, equal bits.
    for (String key :
        List.of("metrics", "peers", "uncertainty", "summary", "removal_search", "sweep", "eval")) {
      assertEquals(a.get(key).toString(), b.get(key).toString(), key);
    }
  }

  @org.junit.jupiter.api.Test
  void interruptedAuditPrintsTheResumeCommand() throws Exception {
    Path mc = Files.writeString(tmp.resolve("q.csv"), "The cat sat on the,mat,sky,of,run,A\n");
    Path out = tmp.resolve("stopped");
    Process child = child(args(mc, out, false), tmp.resolve(".stopped.journal"));
    child.destroy(); // SIGTERM, as Ctrl-C's SIGINT: the shutdown hooks run
    assertTrue(child.waitFor(60, TimeUnit.SECONDS));
    String log = Files.readString(tmp.resolve("child.txt"), StandardCharsets.UTF_8);
    assertTrue(log.contains("interrupted; resume with: depthscope audit "), log);
    assertTrue(log.contains(" --out " + out + " --resume"), log);
  }

  /**
   * Starts {@code args} in a child JVM, slowed down so it cannot finish first, and returns once it
   * journaled two chunks of its sweep.
   */
  private Process child(List<String> args, Path journal) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g",
                "-D" + AuditResume.PACE_PROPERTY + "=15",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName()));
    command.addAll(args);
    Process child =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(tmp.resolve("child.txt").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    while (chunks(journal) < 2 && child.isAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    return child;
  }

  private static JsonObject read(Path file) throws IOException {
    return JsonParser.parseString(Files.readString(file)).getAsJsonObject();
  }

  private static int chunks(Path journal) throws IOException {
    if (!Files.isDirectory(journal)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(journal)) {
      return (int) s.filter(p -> p.getFileName().toString().matches("chunk-\\d+\\.bin")).count();
    }
  }
}
