package dev.depthscope.reports.html;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.RemovalSearchResult;
import dev.depthscope.core.analysis.RemovedSet;
import dev.depthscope.reports.Format;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The report's table of jointly measured removals: the summary's cut and, when the audit ran a
 * removal search, every strategy's set for each k, with joint cost, interval and the sum of the
 * single-block costs it would have been if effects added up.
 */
final class RemovalTable {
  private RemovalTable() {}

  /** Writes the section, or nothing when the audit measured no joint removal. */
  static void write(PageBuilder p, AuditResult a) {
    RemovedSet cut = a.summary() == null ? null : a.summary().cut();
    RemovalSearchResult s = a.removalSearch();
    if (cut == null && s == null) {
      return;
    }
    boolean mc = a.metrics().mcAccuracy() != null;
    p.h2("removals", "Blocks removed together");
    p.el(
        "p",
        "note",
        "Each set was measured as one joint removal (all its blocks replaced by the identity at"
            + " once) on the evaluation data; intervals are 95% bootstrap intervals over"
            + " sequences. NLL in nats per token.");
    p.raw("<div class=\"scroll\"><table>\n<thead><tr><th class=\"text\">set</th><th>k</th>");
    p.raw("<th class=\"text\">blocks</th><th>joint NLL</th><th>joint \u0394NLL</th>");
    p.raw("<th>95% CI</th><th>sum of single \u0394NLL</th>");
    if (mc) {
      p.raw("<th>MC accuracy</th>");
    }
    p.raw("</tr></thead>\n<tbody>\n");
    if (cut != null) {
      row(p, "longest ineffective run", cut, mc);
    }
    if (s != null) {
      rows(p, "greedy", s.greedy(), mc);
      rows(p, "contiguous by angle", s.contiguousByAngle(), mc);
      rows(p, "contiguous by NLL", s.contiguousByNll(), mc);
    }
    p.raw("</tbody>\n</table></div>\n");
  }

  private static void rows(PageBuilder p, String name, List<RemovedSet> sets, boolean mc) {
    if (sets != null) {
      sets.forEach(r -> row(p, name, r, mc));
    }
  }

  private static void row(PageBuilder p, String name, RemovedSet r, boolean mc) {
    p.raw("<tr><td class=\"text\">").text(name).raw("</td>");
    p.raw("<td>").text(Integer.toString(r.blocks().size())).raw("</td>");
    String blocks = r.blocks().stream().map(String::valueOf).collect(Collectors.joining(", "));
    p.raw("<td class=\"text\">").text(blocks).raw("</td>");
    p.raw("<td>").text(Format.number(r.jointNll(), 4)).raw("</td>");
    p.raw("<td>").text(Format.number(r.jointDeltaNll(), 4)).raw("</td>");
    String ci =
        r.ci95() == null
            ? "no interval"
            : Format.number(r.ci95()[0], 4) + " \u2013 " + Format.number(r.ci95()[1], 4);
    p.raw("<td>").text(ci).raw("</td>");
    p.raw("<td>").text(Format.number(r.sumOfSingleDeltas(), 4)).raw("</td>");
    if (mc) {
      p.raw("<td>").text(Format.percent(r.mcAccuracy())).raw("</td>");
    }
    p.raw("</tr>\n");
  }
}
