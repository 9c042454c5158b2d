package dev.depthscope.cli;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.reports.LabeledAudit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Which parts of the audits' {@code eval} info differ: NLLs measured on different text, windows or
 * questions are not comparable, so {@code compare} warns and names them.
 */
final class EvalDifferences {
  private EvalDifferences() {}

  private static final List<Map.Entry<String, Function<AuditResult.EvalInfo, Object>>> FIELDS =
      List.of(
          Map.entry("source", AuditResult.EvalInfo::source),
          Map.entry("sequences", AuditResult.EvalInfo::sequences),
          Map.entry("seq_len", AuditResult.EvalInfo::seqLen),
          Map.entry("tokens", AuditResult.EvalInfo::tokens),
          Map.entry("mc_questions", AuditResult.EvalInfo::mcQuestions));

  /**
   * One entry per differing field, e.g. {@code seq_len (pre 512, lns 256)}; empty when all audits
   * were made on the same evaluation data (or there are fewer than two).
   */
  static List<String> of(List<LabeledAudit> audits) {
    List<String> out = new ArrayList<>();
    if (audits.size() < 2) {
      return out;
    }
    for (var field : FIELDS) {
      Object first = value(audits.get(0), field.getValue());
      boolean differ =
          audits.stream().anyMatch(a -> !Objects.equals(first, value(a, field.getValue())));
      if (differ) {
        out.add(
            field.getKey()
                + " ("
                + audits.stream()
                    .map(a -> a.label() + " " + value(a, field.getValue()))
                    .collect(Collectors.joining(", "))
                + ")");
      }
    }
    return out;
  }

  private static Object value(LabeledAudit a, Function<AuditResult.EvalInfo, Object> f) {
    return a.audit().eval() == null ? null : f.apply(a.audit().eval());
  }
}
