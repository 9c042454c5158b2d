package dev.depthscope.reports;

import dev.depthscope.core.analysis.AuditResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An audit with the label it carries in comparison charts and tables (usually the model name).
 *
 * @param label legend and column label; may contain anything, so it is escaped wherever it is
 *     written as HTML
 * @param audit the audit
 */
public record LabeledAudit(String label, AuditResult audit) {

  /**
   * Labels audits by model name, appending {@code (2)}, {@code (3)}, ... to repeated names so that
   * every series stays distinguishable (a model compared with itself on two eval sets, say).
   */
  public static List<LabeledAudit> byModelName(List<AuditResult> audits) {
    Map<String, Integer> seen = new HashMap<>();
    List<LabeledAudit> out = new ArrayList<>();
    for (AuditResult a : audits) {
      String name = a.model() != null && a.model().name() != null ? a.model().name() : "model";
      int n = seen.merge(name, 1, Integer::sum);
      out.add(new LabeledAudit(n == 1 ? name : name + " (" + n + ")", a));
    }
    return out;
  }
}
