package dev.depthscope.reports.html;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.reports.LabeledAudit;
import dev.depthscope.reports.Samples;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Escaping, and that checkpoint strings reach the page only escaped. */
class HtmlTest {
  private static final String EVIL = "<script>window.pwned=1</script>\"'&";

  @Test
  void escapesMarkupQuotesAndAmpersands() {
    assertEquals("&lt;script&gt;window.pwned=1&lt;/script&gt;&quot;&#39;&amp;", Html.text(EVIL));
    assertEquals("", Html.text(null));
    assertEquals("a\tb\nc", Html.text("a\tb\nc\u0000\u001b"));
  }

  @Test
  void checkpointStringsAreEscapedEverywhere() {
    AuditResult a = Samples.renamed(Samples.audit(Samples.QWEN_MC), EVIL);
    String single = ReportPage.single(a, List.of());
    String compare = ReportPage.compare(List.of(new LabeledAudit(EVIL, a)), List.of(), List.of());
    for (String page : List.of(single, compare)) {
      assertFalse(page.contains("<script"), "raw script tag");
      assertFalse(page.contains("pwned=1</"), "raw end tag");
      assertTrue(page.contains("&lt;script&gt;window.pwned=1&lt;/script&gt;"));
    }
  }

  @Test
  void verdictComesFirstInPlainWords() {
    String page = ReportPage.single(Samples.audit(Samples.LLAMA_PRE), List.of());
    int verdict = page.indexOf("Signs of the Curse of Depth");
    assertTrue(verdict > 0, "Pre-LN model: variance grows 2.66x, 22 of 24 blocks ineffective");
    assertTrue(verdict < page.indexOf("Per-layer table"));
  }
}
