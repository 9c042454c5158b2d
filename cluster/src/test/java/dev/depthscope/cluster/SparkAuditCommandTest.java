package dev.depthscope.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.cli.Main;
import dev.depthscope.core.TestData;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code depthscope audit ... --spark local[2]} end to end, Spark in local mode inside this JVM:
 * with 1, 2 and 5 partitions, {@code audit.json} holds the single-process audit's numbers (1e-12
 * relative: the merge is float64 in a fixed order, and libtorch runs on as many threads in both),
 * on a dense fixture (with multiple-choice questions and a removal search, whose joint passes run
 * as Spark jobs), a MoE fixture and the trained 24-layer model; a task failing once is retried with
 * the same numbers.
 */
class SparkAuditCommandTest {
  /** What may differ between two runs of the same audit: wall times, where and how it ran. */
  private static final Set<String> NOT_COMPARED = Set.of("timings", "engine");

  private record Run(int code, String out, String err) {}

  private static Run run(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code = cl.execute(args.toArray(String[]::new));
    return new Run(code, out.toString(), err.toString());
  }

  private static JsonObject audit(List<String> args, Path out, String... more) throws Exception {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--quiet", "--no-report", "--force", "--out", out.toString()));
    all.addAll(List.of(more));
    Run r = run(all);
    assertEquals(0, r.code(), "exit code of " + all + ": " + r.err());
    return JsonParser.parseString(Files.readString(out.resolve("audit.json"))).getAsJsonObject();
  }

  /** The brown text in {@code windows} windows of {@code seqLen}, in 5 batches. */
  private static List<String> textAudit(Path model, int seqLen, int windows) {
    return List.of(
        "audit",
        model.toString(),
        "--text",
        TestData.fixture("data/brown-eval.txt").toString(),
        "--seq-len",
        Integer.toString(seqLen),
        "--max-tokens",
        Integer.toString(windows * seqLen),
        "--batch",
        Integer.toString(windows / 5));
  }

  private static void sameAsSingleProcess(List<String> args, Path tmp) throws Exception {
    // Each Spark task sizes libtorch to its one core (spark.task.cpus), so the driver (which runs
    // the joint passes' assembly) and the single-process audit run on one thread too: reductions
    // split
    // over another thread count may round differently (seen: 4e-12 relative in a variance of the
    // MoE fixture, 1 vs 2 threads).
    int threads = ExecutorThreads.current();
    ExecutorThreads.size(1);
    try {
      compareWithSingleProcess(args, tmp);
    } finally {
      ExecutorThreads.size(threads);
    }
  }

  private static void compareWithSingleProcess(List<String> args, Path tmp) throws Exception {
    JsonObject single = audit(args, tmp.resolve("single"));
    assertTrue(single.get("engine").isJsonNull(), "a single-process audit names no engine");
    for (int partitions : new int[] {1, 2, 5}) {
      JsonObject spark =
          audit(
              args,
              tmp.resolve("spark-" + partitions),
              "--spark",
              "local[2]",
              "--spark-partitions",
              Integer.toString(partitions));
      assertSame(single, spark, "", "--spark-partitions " + partitions);
      JsonObject engine = spark.getAsJsonObject("engine");
      assertEquals("spark", engine.get("name").getAsString());
      assertEquals("local[2]", engine.get("master").getAsString());
      assertEquals(partitions, engine.get("partitions").getAsInt());
      assertEquals(1, engine.getAsJsonArray("executors").size(), engine.toString());
      assertTrue(
          engine.getAsJsonArray("executors").get(0).getAsString().endsWith("/driver"),
          engine.toString());
    }
  }

  /** Every number of {@code a} equals {@code b}'s to 1e-12 relative; everything else exactly. */
  static void assertSame(JsonElement a, JsonElement b, String path, String what) {
    if (a.isJsonObject()) {
      assertTrue(b.isJsonObject(), what + ": " + path + " is not an object");
      assertEquals(a.getAsJsonObject().keySet(), b.getAsJsonObject().keySet(), what + path);
      for (String k : a.getAsJsonObject().keySet()) {
        if (!(path.isEmpty() && NOT_COMPARED.contains(k))) {
          assertSame(a.getAsJsonObject().get(k), b.getAsJsonObject().get(k), path + "." + k, what);
        }
      }
    } else if (a.isJsonArray()) {
      assertTrue(b.isJsonArray(), what + ": " + path + " is not an array");
      assertEquals(a.getAsJsonArray().size(), b.getAsJsonArray().size(), what + path);
      for (int i = 0; i < a.getAsJsonArray().size(); i++) {
        assertSame(
            a.getAsJsonArray().get(i), b.getAsJsonArray().get(i), path + "[" + i + "]", what);
      }
    } else if (a.isJsonPrimitive() && a.getAsJsonPrimitive().isNumber()) {
      double x = a.getAsDouble();
      double y = b.getAsDouble();
      if (Math.abs(x - y) > 1e-12 * Math.max(Math.abs(x), Math.abs(y))) {
        fail(what + ": " + path + " is " + y + ", the single-process audit has " + x);
      }
    } else {
      assertEquals(a, b, what + ": " + path);
    }
  }

  @Test
  void denseFixtureWithQuestionsAndASearchMatchesTheSingleProcessAudit(@TempDir Path tmp)
      throws Exception {
    Path mc = tmp.resolve("q.jsonl");
    StringBuilder q = new StringBuilder();
    String[][] items = {
      {"The man went to the", "house", "of", "2"},
      {"It was a long", "time", "the", "0"},
      {"She said that he", "was", "and", "0"},
      {"In the morning the", "sun", "by", "0"},
      {"They did not know", "what", "of", "0"}
    };
    for (String[] it : items) {
      q.append(
          String.format(
              "{\"question\": \"%s\", \"choices\": [\"%s\", \"%s\", \"a\"], \"answer\": %s}%n",
              it[0], it[1], it[2], it[3]));
    }
    Files.writeString(mc, q);
    List<String> args =
        new ArrayList<>(textAudit(TestData.model("llama-tiny-sharded-fp32"), 32, 10));
    args.addAll(List.of("--mc", mc.toString(), "--search", "all", "--remove-up-to", "2"));
    sameAsSingleProcess(args, tmp);
  }

  @Test
  void moeFixtureMatchesTheSingleProcessAudit(@TempDir Path tmp) throws Exception {
    sameAsSingleProcess(textAudit(TestData.model("mixtral-tiny-fp32"), 32, 10), tmp);
  }

  @Test
  void trained24LayerModelMatchesTheSingleProcessAudit(@TempDir Path tmp) throws Exception {
    sameAsSingleProcess(textAudit(TestData.fixture("trained/llama-24L-brown-pre"), 32, 5), tmp);
  }

  @Test
  void aTaskFailingOnceIsRetriedAndGivesTheSameAudit(@TempDir Path tmp) throws Exception {
    List<String> args = textAudit(TestData.model("llama-tiny-sharded-fp32"), 32, 10);
    JsonObject single = audit(args, tmp.resolve("single"));
    String before = System.getProperty(FailureHook.KEY);
    System.setProperty(FailureHook.KEY, "1");
    try {
      JsonObject retried =
          audit(args, tmp.resolve("retried"), "--spark", "local[2,2]", "--spark-partitions", "2");
      assertSame(single, retried, "", "with partition 1 failing once");
      // Without a second attempt the same hook ends the audit, with no audit.json written.
      Run failed =
          run(
              new ArrayList<>(args) {
                {
                  addAll(
                      List.of(
                          "--quiet",
                          "--no-report",
                          "--out",
                          tmp.resolve("failed").toString(),
                          "--spark",
                          "local[2]",
                          "--spark-partitions",
                          "2"));
                }
              });
      assertEquals(1, failed.code() == 0 ? 0 : 1, failed.err());
      assertTrue(failed.err().contains(FailureHook.MESSAGE), failed.err());
      assertFalse(Files.exists(tmp.resolve("failed/audit.json")), "no half-written output");
    } finally {
      if (before == null) {
        System.clearProperty(FailureHook.KEY);
      } else {
        System.setProperty(FailureHook.KEY, before);
      }
    }
  }

  @Test
  void aSparkAuditStoppedByAFailedTaskResumesFromItsJournal(@TempDir Path tmp) throws Exception {
    List<String> args = textAudit(TestData.model("llama-tiny-sharded-fp32"), 32, 10);
    Path out = tmp.resolve("spark");
    List<String> spark = List.of("--no-report", "--out", out.toString(), "--spark", "local[2]");
    int threads = ExecutorThreads.current();
    ExecutorThreads.size(1);
    try {
      JsonObject single = audit(args, tmp.resolve("single"));
      // Five one-chunk ranges on two cores: the last is scheduled after others have finished, and
      // its task fails (no retry), which stops the audit as a kill would.
      System.setProperty(FailureHook.KEY, "4");
      Run failed;
      try {
        failed = run(concat(args, List.of("--quiet", "--spark-partitions", "5"), spark));
      } finally {
        System.clearProperty(FailureHook.KEY);
      }
      assertTrue(failed.code() != 0, failed.err());
      assertTrue(failed.err().contains(FailureHook.MESSAGE), failed.err());
      assertTrue(failed.err().contains("the audit can be resumed"), failed.err());
      assertFalse(Files.exists(out.resolve("audit.json")), "no half-written output");

      Run resumed = run(concat(args, List.of("--resume", "--spark-partitions", "5"), spark));
      assertEquals(0, resumed.code(), resumed.err());
      java.util.regex.Matcher m =
          java.util.regex.Pattern.compile("taken from the journal: (\\d+) chunks")
              .matcher(resumed.err());
      assertTrue(m.find(), resumed.err());
      int taken = Integer.parseInt(m.group(1));
      assertTrue(taken >= 1 && taken < 5, "finished chunks reused, the failed one rerun: " + taken);
      JsonObject r =
          JsonParser.parseString(Files.readString(out.resolve("audit.json"))).getAsJsonObject();
      assertSame(single, r, "", "resumed Spark audit");
    } finally {
      ExecutorThreads.size(threads);
    }
  }

  @Test
  void theJointPassesOnSparkDrawTheirProgress(@TempDir Path tmp) {
    List<String> args =
        concat(
            textAudit(TestData.model("llama-tiny-sharded-fp32"), 32, 10),
            List.of("--search", "greedy", "--remove-up-to", "2", "--no-report"),
            List.of("--out", tmp.resolve("out").toString(), "--spark", "local[2]"));
    Run r = run(args);
    assertEquals(0, r.code(), r.err());
    // Off a terminal a bar prints a line per tenth and one at the end.
    assertTrue(r.err().contains("search 100% ["), r.err());
    assertTrue(
        r.err().matches("(?s).*search +[1-9]\\d% \\[.*"), "a line before the end: " + r.err());
  }

  @SafeVarargs
  private static List<String> concat(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> p : parts) {
      all.addAll(p);
    }
    return all;
  }

  @Test
  void aModelMissingOnTheExecutorsFailsInOneLineNamingHostAndPath(@TempDir Path tmp) {
    List<String> args =
        new ArrayList<>(textAudit(TestData.model("llama-tiny-sharded-fp32"), 32, 10));
    Path elsewhere = tmp.resolve("models/llama-24L-brown-pre");
    args.addAll(
        List.of(
            "--quiet",
            "--no-report",
            "--out",
            tmp.resolve("out").toString(),
            "--spark",
            "local[2]",
            "--spark-model-path",
            elsewhere.toString()));
    Run r = run(args);
    assertTrue(r.code() != 0, "exit code");
    String line = r.err().strip();
    assertTrue(line.contains(elsewhere.toString()), line);
    assertTrue(line.contains("host " + Executors.host()), line);
    assertEquals(1, line.lines().count(), "one line: " + line);
  }

  @Test
  void sparkOptionsAreInTheHelp() {
    Run r = run(List.of("audit", "--help"));
    assertEquals(0, r.code());
    for (String o : List.of("--spark", "--spark-partitions", "--spark-model-path")) {
      assertTrue(r.out().contains(o), o + " in " + r.out());
    }
  }
}
