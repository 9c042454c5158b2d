package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train} and {@code train-compare} on tiny runs, and their usage errors. */
class TrainCommandsTest {
  private static Run run(String... args) {
    return Run.of(args);
  }

  private static final String[] TINY = {
    "--layers",
    "2",
    "--hidden",
    "32",
    "--heads",
    "2",
    "--kv-heads",
    "1",
    "--intermediate",
    "48",
    "--batch",
    "2",
    "--seq",
    "32",
    "--warmup",
    "1",
    "--eval-batches",
    "1"
  };

  private static String[] args(List<String> head, String... tail) {
    var all = new java.util.ArrayList<>(head);
    all.addAll(List.of(TINY));
    all.addAll(List.of(tail));
    return all.toArray(String[]::new);
  }

  /** {@code head} + the tiny shape, trained and evaluated on {@code tokens} for a few steps. */
  private static Run onTokens(
      List<String> head, String tokens, int steps, Path out, String... extra) {
    List<String> tail = new java.util.ArrayList<>();
    tail.addAll(
        List.of(
            "--train-tokens",
            tokens,
            "--eval-tokens",
            tokens,
            "--steps",
            Integer.toString(steps),
            "--out",
            out.toString()));
    tail.addAll(List.of(extra));
    return run(args(head, tail.toArray(String[]::new)));
  }

  @Test
  void trainsFromTextWithTokenizer(@TempDir Path tmp) throws Exception {
    Path data = TestData.fixture("data/brown-bpe-4096");
    List<String> lines = Files.readAllLines(TestData.fixture("data/brown-eval.txt"));
    Path text = tmp.resolve("small.txt");
    Files.write(text, lines.subList(0, Math.min(150, lines.size())));
    Path out = tmp.resolve("run");
    Run r =
        run(
            args(
                List.of("train", "--norm", "post"),
                "--text",
                text.toString(),
                "--tokenizer",
                data.toString(),
                "--steps",
                "4",
                "--out",
                out.toString()));
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("final eval loss"), r.out());
    JsonObject curves =
        JsonParser.parseString(Files.readString(out.resolve("curves.json"))).getAsJsonObject();
    assertEquals(4, curves.getAsJsonArray("losses").size());
    assertTrue(Files.isRegularFile(out.resolve("model/tokenizer.json")));
    assertEquals(0, run("inspect", out.resolve("model").toString()).code());
  }

  @Test
  void compareOverSeedsGivesEachFigureTheSpreadOverTheSeeds(@TempDir Path tmp) throws Exception {
    Path data = TestData.fixture("data/brown-bpe-4096");
    Path out = tmp.resolve("seeds");
    Run r =
        onTokens(
            List.of("train-compare", "--norms", "pre,lns", "--seeds", "2"),
            data.resolve("brown-eval.u16").toString(),
            3,
            out,
            "--seed",
            "5",
            "--quiet");
    assertEquals(0, r.code(), r.err());
    for (String f : new String[] {"seed-5/pre/audit.json", "seed-6/lns/audit.json"}) {
      assertTrue(Files.isRegularFile(out.resolve(f)), f);
    }
    JsonObject sc =
        JsonParser.parseString(Files.readString(out.resolve("scheme-comparison.json")))
            .getAsJsonObject();
    assertEquals("[5,6]", sc.getAsJsonArray("seeds").toString());
    JsonObject c = sc.getAsJsonObject("comparison");
    assertEquals(2, c.get("seeds").getAsInt());
    assertTrue(c.get("method").getAsString().contains("2 seeds"), c.toString());
    double[] perSeed = new double[2];
    for (int s = 0; s < 2; s++) {
      JsonObject curves =
          JsonParser.parseString(
                  Files.readString(out.resolve("seed-" + (5 + s) + "/lns/curves.json")))
              .getAsJsonObject();
      perSeed[s] = curves.get("final_eval_loss").getAsDouble();
    }
    JsonObject lnsLoss =
        c.getAsJsonArray("models").get(1).getAsJsonObject().getAsJsonObject("eval_loss");
    var values = lnsLoss.getAsJsonArray("per_seed");
    assertEquals(2, values.size());
    for (int s = 0; s < 2; s++) {
      assertEquals(perSeed[s], values.get(s).getAsDouble(), 1e-4, "seed " + s + " eval loss");
    }
    assertTrue(perSeed[0] != perSeed[1], "another init and data order: another loss");
    assertEquals((perSeed[0] + perSeed[1]) / 2, lnsLoss.get("value").getAsDouble(), 1e-4);
    assertTrue(
        lnsLoss.get("low").getAsDouble() < lnsLoss.get("value").getAsDouble(), lnsLoss.toString());
    assertTrue(r.out().contains("LNS − Pre-LN") || r.out().contains("lns − pre"), r.out());
    assertTrue(r.out().contains("2 seeds"), r.out());
  }

  @Test
  void compareWritesOneRunPerScheme(@TempDir Path tmp) throws Exception {
    Path data = TestData.fixture("data/brown-bpe-4096");
    Path out = tmp.resolve("cmp");
    Run r =
        onTokens(
            List.of("train-compare", "--norms", "pre,mix"),
            data.resolve("brown-eval.u16").toString(),
            3,
            out,
            "--json",
            "--figures",
            "svg");
    assertEquals(0, r.code(), r.err());
    assertTrue(Files.isRegularFile(out.resolve("training-loss.svg")), "--figures svg");
    assertFalse(Files.exists(out.resolve("training-loss.png")), "--figures svg: no PNG");
    JsonObject cmp =
        JsonParser.parseString(Files.readString(out.resolve("comparison.json"))).getAsJsonObject();
    assertEquals(2, cmp.getAsJsonArray("norms").size());
    assertTrue(Files.isRegularFile(out.resolve("mix/model/model.safetensors")));

    JsonObject printed = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals(
        out.resolve("comparison.json").toString(), printed.get("comparison").getAsString());
    assertTrue(Files.isRegularFile(Path.of(printed.get("report").getAsString())));
    var runs = printed.getAsJsonArray("runs");
    assertEquals(2, runs.size());
    assertEquals("mix", runs.get(1).getAsJsonObject().get("norm").getAsString());
    for (var run : runs) {
      JsonObject o = run.getAsJsonObject();
      assertTrue(Files.isRegularFile(Path.of(o.get("audit").getAsString())), o.toString());
      assertTrue(o.getAsJsonObject("audit_summary").has("variance_growth"), o.toString());
      assertEquals(3, o.get("steps").getAsInt());
    }
    assertFalse(r.err().contains("steps ("), "no training bar with --json: " + r.err());
  }

  @Test
  void trainJsonPrintsTheRunAndQuietDrawsNoBar(@TempDir Path tmp) throws Exception {
    Path data = TestData.fixture("data/brown-bpe-4096");
    String tokens = data.resolve("brown-eval.u16").toString();
    Path out = tmp.resolve("run");
    Run r = onTokens(List.of("train", "--norm", "lns"), tokens, 2, out, "--json");
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
    assertEquals("lns", o.get("norm").getAsString());
    assertTrue(Double.isFinite(o.get("final_eval_loss").getAsDouble()), r.out());
    assertTrue(o.get("parameters").getAsLong() > 0, r.out());
    assertEquals(out.resolve("model").toString(), o.get("model_dir").getAsString());
    assertEquals(out.resolve("curves.json").toString(), o.get("curves").getAsString());
    assertTrue(o.get("audit").isJsonNull(), "train does not audit");

    Run loud = onTokens(List.of("train"), tokens, 2, tmp.resolve("loud"));
    assertEquals(0, loud.code(), loud.err());
    assertTrue(
        loud.err().contains("train pre 100%") && loud.err().contains("2/2 steps"), loud.err());
    Run quiet = onTokens(List.of("train", "--quiet"), tokens, 2, tmp.resolve("quiet"));
    assertEquals(0, quiet.code(), quiet.err());
    assertEquals("", quiet.err(), "--quiet: nothing on stderr");
    assertTrue(quiet.out().contains("final eval loss"), quiet.out());
  }

  @Test
  void aSecondTrainIntoTheSameDirectoryNeedsForce(@TempDir Path tmp) throws Exception {
    String tokens = TestData.fixture("data/brown-bpe-4096").resolve("brown-eval.u16").toString();
    Path out = tmp.resolve("run");
    assertEquals(0, onTokens(List.of("train", "--quiet"), tokens, 1, out).code());
    String curves = Files.readString(out.resolve("curves.json"));
    Run again = onTokens(List.of("train", "--quiet", "--seed", "7"), tokens, 1, out);
    assertEquals(2, again.code());
    assertTrue(again.err().contains("already holds results; pass --force"), again.err());
    assertEquals(curves, Files.readString(out.resolve("curves.json")), "the first run is kept");
    Run forced = onTokens(List.of("train", "--quiet", "--seed", "7"), tokens, 1, out, "--force");
    assertEquals(0, forced.code(), forced.err());
    assertFalse(curves.equals(Files.readString(out.resolve("curves.json"))), "replaced");
  }

  @Test
  void badOptionsAreUsageErrors(@TempDir Path tmp) {
    Run r =
        run(
            "train",
            "--norm",
            "sandwich",
            "--train-tokens",
            "a",
            "--eval-tokens",
            "b",
            "--out",
            tmp.toString());
    assertEquals(2, r.code());
    assertTrue(r.err().contains("sandwich"), r.err());
    Run noData = run("train", "--out", tmp.toString());
    assertEquals(2, noData.code());
  }
}
