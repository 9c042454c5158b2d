package dev.depthscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.reports.html.ReportPage;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The caveats of an audit, and the box the report shows them in. */
class CaveatsTest {
  private static AuditResult with(
      AuditResult a, AuditResult.EvalInfo e, AuditResult.Uncertainty u, boolean aboveUniform) {
    double base = a.metrics().baselineNll();
    return new AuditResult(
        a.schema(),
        a.model(),
        e,
        a.metrics(),
        u,
        a.summary().withUniformNll(aboveUniform ? base - 0.5 : base + 0.5, base),
        a.sweep(),
        a.timings(),
        a.versions());
  }

  @Test
  void anOrdinaryAuditHasNoneAndTheReportNoBox() {
    AuditResult a = Samples.audit(Samples.LLAMA_PRE);
    assertEquals(List.of(), Caveats.of(a));
    assertEquals(List.of(), Caveats.of(with(a, a.eval(), a.uncertainty(), false)));
    assertFalse(ReportPage.single(a, List.of()).contains("id=\"caveats\""));
  }

  @Test
  void olderAuditsWithoutTheUniformFieldsStillRead() {
    AuditResult a = Samples.audit(Samples.QWEN_MC);
    assertNull(a.summary().uniformNll(), "absent in the file");
    assertFalse(a.summary().baselineAboveUniform());
    assertTrue(
        Caveats.of(a).stream().noneMatch(c -> c.contains("uniform")), Caveats.of(a).toString());
  }

  @Test
  void aBaselineAtOrAboveUniformIsShownUnderTheVerdict() {
    AuditResult a = Samples.audit(Samples.LLAMA_PRE);
    AuditResult flagged = with(a, a.eval(), a.uncertainty(), true);
    assertTrue(flagged.summary().baselineAboveUniform());
    List<String> c = Caveats.of(flagged);
    assertEquals(1, c.size(), c.toString());
    assertTrue(c.get(0).startsWith("baseline NLL " + Format.number(a.metrics().baselineNll(), 4)));
    assertTrue(c.get(0).contains("uniform guess"), c.get(0));
    String html = ReportPage.single(flagged, List.of());
    int verdict = html.indexOf("id=\"verdict\"");
    int box = html.indexOf("id=\"caveats\"");
    assertTrue(verdict >= 0 && box > verdict, "the box follows the verdict");
    assertTrue(html.indexOf("uniform guess", box) > box, "and holds the caveat");
  }

  @Test
  void oneSequenceMeansNoIntervalSaidInWordsAndNoIntervalColumns() {
    AuditResult a = Samples.audit(Samples.LLAMA_PRE);
    AuditResult.EvalInfo e = a.eval();
    AuditResult one =
        with(
            a,
            new AuditResult.EvalInfo(e.source(), 1, e.seqLen(), e.seqLen() - 1, 0),
            new AuditResult.Uncertainty("no interval", null, null),
            false);
    List<String> c = Caveats.of(one);
    assertEquals(1, c.size(), c.toString());
    assertTrue(c.get(0).startsWith("no interval: needs at least 2 sequences (this audit has 1)"));
    assertTrue(
        ReportPage.single(one, List.of()).contains("no interval: needs at least 2 sequences"));
    assertTrue(
        LayerTable.of(one).columns().stream().noneMatch(col -> col.key().contains("ci_")),
        "no interval columns");
    assertTrue(
        LayerTable.of(a).columns().stream().anyMatch(col -> col.key().contains("ci_")),
        "an audit with intervals has them");
  }
}
