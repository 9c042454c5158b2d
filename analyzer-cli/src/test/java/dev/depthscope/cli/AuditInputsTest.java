package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.config.ModelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code depthscope audit} refuses or flags inputs that would not measure what it claims: a text
 * shorter than one window, a single sequence (no interval), sequences beyond the model's context, a
 * baseline no better than a uniform guess.
 */
class AuditInputsTest {
  private static final Pattern TOO_SHORT =
      Pattern.compile(
          "(\\d+) tokens, fewer than one window of --seq-len 512 .*pass --seq-len (\\d+) or less");

  /** The first 400 characters of the Brown eval text: well under one 512-token window. */
  private static Path shortText(Path tmp) throws Exception {
    String brown = Files.readString(TestData.fixture("data/brown-eval.txt"));
    return Files.writeString(tmp.resolve("short.txt"), brown.substring(0, 400));
  }

  @Test
  void aTextShorterThanOneWindowIsRefusedWithItsTokenCountAndAFittingSeqLen(@TempDir Path tmp)
      throws Exception {
    Path model = TestData.fixture("trained/llama-24L-brown-pre");
    Path text = shortText(tmp);
    Path out = tmp.resolve("out");
    Run r = Run.of("audit", model.toString(), "--text", text.toString(), "--out", out.toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("depthscope: error: " + text + ": "), r.err());
    Matcher m = TOO_SHORT.matcher(r.err());
    assertTrue(m.find(), r.err());
    assertFalse(Files.exists(out.resolve("audit.json")), "nothing written");
    int tokens = Integer.parseInt(m.group(1));
    int fitting = Integer.parseInt(m.group(2));
    assertTrue(tokens > 1 && tokens < 512, "a short text: " + tokens);

    // The suggested --seq-len fits: one sequence, which gives no interval, said in words.
    Run one =
        Run.of(
            "audit",
            model.toString(),
            "--text",
            text.toString(),
            "--seq-len",
            Integer.toString(fitting),
            "--search",
            "greedy",
            "--remove-up-to",
            "2",
            "--out",
            out.toString());
    assertEquals(0, one.code(), one.err());
    AuditResult a = AuditJson.read(out.resolve("audit.json"));
    assertEquals(1, a.eval().sequences());
    assertEquals(tokens, a.eval().tokens(), "every text token but the first is predicted");
    assertNull(a.uncertainty().pruningDeltaNll(), "no zero-width interval");
    // Joint removals resample the same one sequence: no interval there either.
    assertEquals(2, a.removalSearch().greedy().size());
    a.removalSearch().greedy().forEach(set -> assertNull(set.ci95(), set.toString()));
    if (a.summary().cut() != null) {
      assertNull(a.summary().cut().ci95(), "the measured cut has no interval");
    }
    assertTrue(a.uncertainty().method().contains("needs at least 2 sequences"), a.toString());
    assertTrue(one.out().contains("no interval: needs at least 2 sequences"), one.out());
    assertTrue(
        one.err().contains("depthscope: warning: text:short.txt gives 1 sequence"), one.err());
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("no interval: needs at least 2 sequences"), "report says so");
    assertTrue(html.contains("<td>no interval</td>"), "the removal table says so too");
    assertFalse(
        Files.readString(out.resolve("layers.csv")).contains("ci_low"), "no interval columns");
    assertFalse(a.summary().baselineAboveUniform(), "a trained model beats a uniform guess");
    assertFalse(one.out().contains("uniform guess"), one.out());
  }

  @Test
  void aSeqLenBeyondTheModelsContextIsRefusedUnlessAllowLongerWhichWarns(@TempDir Path tmp) {
    Path model = TestData.model("qwen3-tiny-bf16");
    int context = ModelConfig.load(model).maxPositionEmbeddings();
    String len = Integer.toString(context + 88);
    String text = TestData.fixture("data/brown-eval.txt").toString();
    String max = Integer.toString(2 * (context + 88));
    Path out = tmp.resolve("out");
    String[] args = {
      "audit",
      model.toString(),
      "--text",
      text,
      "--seq-len",
      len,
      "--max-tokens",
      max,
      "--no-report",
      "--out",
      out.toString()
    };
    Run refused = Run.of(args);
    assertEquals(2, refused.code(), refused.err());
    assertTrue(
        refused
            .err()
            .contains(
                "--seq-len "
                    + len
                    + " is longer than the model's max_position_embeddings ("
                    + context
                    + ")"),
        refused.err());
    assertTrue(refused.err().contains("--allow-longer"), refused.err());
    assertFalse(Files.exists(out.resolve("audit.json")));

    String[] allowed = java.util.Arrays.copyOf(args, args.length + 1);
    allowed[args.length] = "--allow-longer";
    Run r = Run.of(allowed);
    assertEquals(0, r.code(), r.err());
    assertTrue(
        r.err().contains("depthscope: warning: --seq-len " + len + " is longer than"), r.err());
    assertTrue(r.err().contains("auditing anyway (--allow-longer)"), r.err());
    assertTrue(Files.exists(out.resolve("audit.json")));
  }

  @Test
  void tokenIdRowsBeyondTheContextAreRefusedTooNamingTheirLength(@TempDir Path tmp)
      throws Exception {
    Path model = TestData.model("qwen3-tiny-bf16");
    int context = ModelConfig.load(model).maxPositionEmbeddings();
    String row =
        LongStream.range(0, context + 1)
            .mapToObj(i -> Long.toString(3 + i % 100))
            .collect(Collectors.joining(","));
    Path ids = Files.writeString(tmp.resolve("ids.json"), "[[" + row + "],[" + row + "]]");
    Run r =
        Run.of(
            "audit",
            model.toString(),
            "--token-ids",
            ids.toString(),
            "--out",
            tmp.resolve("out").toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(
        r.err().contains("the --token-ids rows have " + (context + 1) + " tokens, longer than"),
        r.err());
  }

  @Test
  void aBaselineNoBetterThanAUniformGuessIsFlaggedInSummaryConsoleAndReport(@TempDir Path tmp)
      throws Exception {
    // A model with random weights: its NLL on real tokens is about ln(vocabulary) or worse.
    Path model = TestData.model("qwen3-tiny-bf16");
    String ids = model.resolve("reference/activations.safetensors").toString();
    Path out = tmp.resolve("out");
    Run r = Run.of("audit", model.toString(), "--token-ids", ids, "--out", out.toString());
    assertEquals(0, r.code(), r.err());
    AuditResult a = AuditJson.read(out.resolve("audit.json"));
    double uniform = Math.log(ModelConfig.load(model).vocabSize());
    assertEquals(uniform, a.summary().uniformNll(), 1e-12);
    assertEquals(a.metrics().baselineNll() >= uniform, a.summary().baselineAboveUniform());
    assertTrue(a.summary().baselineAboveUniform(), "random weights: " + a.metrics().baselineNll());
    String json = Files.readString(out.resolve("audit.json"));
    assertTrue(json.contains("\"baseline_above_uniform\": true"), json);
    assertTrue(r.out().contains("  warning: baseline NLL"), r.out());
    assertTrue(r.out().contains("uniform guess"), r.out());
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("id=\"caveats\"") && html.contains("uniform guess"), "report note");

    Run json2 =
        Run.of(
            "audit",
            model.toString(),
            "--token-ids",
            ids,
            "--no-report",
            "--json",
            "--force",
            "--out",
            out.toString());
    assertEquals(0, json2.code(), json2.err());
    assertTrue(json2.err().contains("depthscope: warning: baseline NLL"), json2.err());
  }
}
