package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every phase of an audit is announced on standard error (off a terminal: one line each), and the
 * recorded timings cover what the README says: the bar's elapsed time is the sweeps' time.
 */
class AuditStatusTest {
  private static final Pattern BAR_DONE =
      Pattern.compile("audit 100% \\[.*\\(((\\d+):(\\d\\d):(\\d\\d)) / ");

  private record Audit(Run run, AuditResult result, double wallSeconds) {}

  private static Audit textAndMcAudit(Path tmp) throws Exception {
    Path model = TestData.model("qwen3-tiny-bf16");
    Path text = TestData.fixture("data/brown-eval.txt");
    Path mc =
        Files.writeString(
            tmp.resolve("q.csv"),
            "\"The sky is\",blue,green,red,grey,A\nOne two,three,four,a,b,A\n");
    Path out = tmp.resolve("out");
    long t0 = System.nanoTime();
    Run r =
        Run.of(
            "audit",
            model.toString(),
            "--text",
            text.toString(),
            "--seq-len",
            "64",
            "--max-tokens",
            "256",
            "--mc",
            mc.toString(),
            "--out",
            out.toString());
    double wall = (System.nanoTime() - t0) / 1e9;
    assertEquals(0, r.code(), r.err());
    return new Audit(r, AuditJson.read(out.resolve("audit.json")), wall);
  }

  @Test
  void everyPhaseHasAStatusLineOrABarInOrder(@TempDir Path tmp) throws Exception {
    String err = textAndMcAudit(tmp).run().err();
    List<String> phases =
        List.of(
            "opening ",
            "tokenizing brown-eval.txt ...",
            "brown-eval.txt: ",
            "tokens -> 4 windows of 64 tokens (",
            "tokenizing q.csv ...",
            "auditing ",
            "audit 100% [",
            "bootstrap intervals (1000 resamples over 4 sequences and 2 questions) ...",
            "writing report (charts, layers.csv, report.html) ...");
    int at = 0;
    for (String p : phases) {
      int i = err.indexOf(p, at);
      assertTrue(i >= 0, "\"" + p + "\" after position " + at + " in:\n" + err);
      at = i + p.length();
    }
    assertTrue(!err.contains("\r"), "off a terminal, lines only");
  }

  @Test
  void timingsCoverWhatTheReadmeSaysAndTheBarAgrees(@TempDir Path tmp) throws Exception {
    Audit a = textAndMcAudit(tmp);
    Map<String, Double> t = a.result().timings();
    for (String key :
        List.of(
            "load_seconds",
            "eval_data_seconds",
            "nll_sweep_seconds",
            "mc_sweep_seconds",
            "bootstrap_seconds",
            "total_seconds")) {
      assertTrue(t.containsKey(key) && t.get(key) >= 0, key + " in " + t);
    }
    double sweeps = t.get("nll_sweep_seconds") + t.get("mc_sweep_seconds");
    double eps = 0.05;
    assertTrue(t.get("eval_data_seconds") <= t.get("load_seconds"), "part of loading: " + t);
    assertTrue(
        sweeps + t.get("bootstrap_seconds") <= t.get("total_seconds") + 1e-6,
        "total covers the sweeps and the bootstrap: " + t);
    assertTrue(
        t.get("total_seconds") - sweeps - t.get("bootstrap_seconds") < eps + 0.1 * sweeps,
        "and little else: " + t);
    assertTrue(
        t.get("load_seconds") + t.get("total_seconds") <= a.wallSeconds(),
        "the timings never exceed the command's run time: " + t + " in " + a.wallSeconds());
    Matcher m = BAR_DONE.matcher(a.run().err());
    assertTrue(m.find(), a.run().err());
    int bar =
        3600 * Integer.parseInt(m.group(2))
            + 60 * Integer.parseInt(m.group(3))
            + Integer.parseInt(m.group(4));
    // The bar shows whole seconds of the time from its start to the last LM-head call.
    assertTrue(
        bar <= sweeps + eps && bar > sweeps - 1 - eps,
        "bar " + m.group(1) + " vs nll + mc sweeps " + sweeps + " s");
  }
}
