package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code compare} warns, naming the fields, when the audits ran on different evaluation data. */
class CompareEvalWarningTest {
  private static AuditResult withEval(AuditResult a, AuditResult.EvalInfo e) {
    return new AuditResult(
        a.schema(),
        a.model(),
        e,
        a.metrics(),
        a.uncertainty(),
        a.summary(),
        a.sweep(),
        a.timings(),
        a.versions());
  }

  @Test
  void differentEvalDataIsWarnedAboutNamingWhatDiffers(@TempDir Path tmp) throws Exception {
    AuditResult pre = ReportCommandsTest.audit("pre", 6, 1.3);
    AuditResult lns = ReportCommandsTest.audit("lns", 6, 1.1);
    AuditResult.EvalInfo e = pre.eval();
    AuditResult other =
        withEval(
            lns,
            new AuditResult.EvalInfo(
                "text:other.txt", e.sequences(), 2 * e.seqLen(), e.tokens(), e.mcQuestions()));
    Path a = tmp.resolve("a/audit.json");
    Path b = tmp.resolve("b/audit.json");
    Path c = tmp.resolve("c/audit.json");
    AuditJson.write(pre, a);
    AuditJson.write(lns, b);
    AuditJson.write(other, c);

    Run same = Run.of("compare", a.toString(), b.toString(), "--out", tmp.resolve("s").toString());
    assertEquals(0, same.code(), same.err());
    assertFalse(same.err().contains("warning"), "same data, no warning: " + same.err());

    Run diff =
        Run.of(
            "compare", a.toString(), c.toString(), "--quiet", "--out", tmp.resolve("d").toString());
    assertEquals(0, diff.code(), diff.err());
    String w = diff.err();
    assertTrue(w.startsWith("depthscope: warning: the audits were made on different"), w);
    assertTrue(w.contains("source (pre text:eval.txt, lns text:other.txt)"), w);
    assertTrue(w.contains("seq_len (pre " + e.seqLen() + ", lns " + 2 * e.seqLen() + ")"), w);
    assertFalse(w.contains("sequences ("), "only what differs: " + w);
    assertFalse(w.contains("tokens ("), w);
  }
}
