package dev.depthscope.reports.html;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.AuditSummary;
import dev.depthscope.core.analysis.SchemeComparison;
import dev.depthscope.reports.Caveats;
import dev.depthscope.reports.Format;
import dev.depthscope.reports.LabeledAudit;
import dev.depthscope.reports.LayerTable;
import dev.depthscope.reports.SchemeVerdict;
import dev.depthscope.reports.TrainingCurves;
import dev.depthscope.reports.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The HTML of the single-audit and comparison reports. Order: verdict, charts, tables, metric
 * definitions, environment and versions.
 */
public final class ReportPage {
  private ReportPage() {}

  /** The report of one audit. */
  public static String single(AuditResult a, List<Figure> figures) {
    String name = a.model().name();
    PageBuilder p = new PageBuilder("depthscope report: " + name);
    p.el("h1", null, "Layer audit: " + name);
    p.el("p", "sub", modelLine(a));
    verdict(p, Verdict.of(a));
    caveats(p, Caveats.of(a));
    if (!figures.isEmpty()) {
      p.h2("charts", "Charts");
      figures.forEach(p::figure);
    }
    RemovalTable.write(p, a);
    p.h2("layers", "Per-layer table");
    p.el(
        "p",
        "note",
        "One row per block (0-based, as in audit.json); highlighted rows are ineffective blocks."
            + " The same numbers, unrounded, are in layers.csv next to this report.");
    layerTable(p, LayerTable.of(a));
    p.h2("definitions", "How each metric is defined");
    p.definitions(definitions(a.summary() == null ? 0.01 : a.summary().threshold(), false));
    p.h2("environment", "Environment and versions");
    p.keyValues(environment(a));
    return p.finish();
  }

  /** The report comparing several audits (and training runs). */
  public static String compare(
      List<LabeledAudit> audits, List<TrainingCurves> curves, List<Figure> figures) {
    return compare(audits, curves, figures, null);
  }

  /** The comparison page, with the symptom-by-symptom scheme comparison when it is not null. */
  public static String compare(
      List<LabeledAudit> audits,
      List<TrainingCurves> curves,
      List<Figure> figures,
      SchemeComparison schemes) {
    List<String> labels = audits.stream().map(LabeledAudit::label).toList();
    String what =
        labels.isEmpty()
            ? curves.stream().map(TrainingCurves::name).reduce((x, y) -> x + " vs " + y).orElse("")
            : String.join(" vs ", labels);
    PageBuilder p = new PageBuilder("depthscope comparison: " + what);
    p.el("h1", null, "Comparison: " + what);
    if (schemes != null) {
      schemeSection(p, schemes);
    }
    if (!audits.isEmpty()) {
      p.h2("verdicts", "Verdicts");
      for (LabeledAudit la : audits) {
        Verdict v = Verdict.of(la.audit());
        p.raw(
            v.headline().startsWith("Signs of")
                ? "<div class=\"verdict warn\">\n"
                : "<div class=\"verdict\">\n");
        p.el("p", "headline", la.label() + ": " + v.headline());
        List<String> caveats = Caveats.of(la.audit());
        if (!caveats.isEmpty()) {
          p.list(caveats.stream().map(c -> "Read with care: " + c + ".").toList());
        }
        p.raw("</div>\n");
      }
      p.h2("summaries", "Summaries side by side");
      summaryTable(p, audits);
    }
    if (!curves.isEmpty()) {
      p.h2("training", "Training runs");
      trainingTable(p, curves);
    }
    if (!figures.isEmpty()) {
      p.h2("charts", "Charts");
      figures.forEach(p::figure);
    }
    if (!audits.isEmpty()) {
      p.h2("definitions", "How each metric is defined");
      p.definitions(
          definitions(
              audits.get(0).audit().summary() == null
                  ? 0.01
                  : audits.get(0).audit().summary().threshold(),
              true));
      p.h2("environment", "Environment and versions");
      environmentTable(p, audits);
    }
    return p.finish();
  }

  private static String modelLine(AuditResult a) {
    AuditResult.ModelInfo m = a.model();
    return m.architecture()
        + " ("
        + m.modelType()
        + "), "
        + m.layers()
        + " layers, hidden size "
        + m.hiddenSize()
        + ", "
        + parameters(m.parameters())
        + " parameters; evaluated on "
        + a.eval().source();
  }

  private static String parameters(long n) {
    if (n >= 1_000_000_000L) {
      return Format.number(n / 1e9, 3) + " B";
    }
    if (n >= 1_000_000L) {
      return Format.number(n / 1e6, 3) + " M";
    }
    return String.format(java.util.Locale.ROOT, "%,d", n);
  }

  /** What the run measured, symptom by symptom, each model and difference with its interval. */
  private static void schemeSection(PageBuilder p, SchemeComparison c) {
    SchemeVerdict v = SchemeVerdict.of(c);
    p.h2("measured", "What this run measured");
    p.raw("<section class=\"verdict\" id=\"scheme-verdict\">\n");
    p.el("p", "headline", v.headline());
    p.raw("</section>\n");
    for (SchemeVerdict.Symptom s : v.symptoms()) {
      p.el("h3", null, s.name());
      List<String> lines = new ArrayList<>(s.perModel());
      lines.addAll(s.differences());
      p.list(lines);
    }
    p.el("p", null, "Intervals: " + c.method() + ".");
  }

  private static void verdict(PageBuilder p, Verdict v) {
    boolean warn = v.headline().startsWith("Signs of");
    p.raw("<section class=\"verdict" + (warn ? " warn" : "") + "\" id=\"verdict\">\n");
    p.el("p", "headline", v.headline());
    p.list(v.facts());
    p.raw("</section>\n");
  }

  /** The caveats, when there are any, in a warning box right under the verdict. */
  private static void caveats(PageBuilder p, List<String> caveats) {
    if (caveats.isEmpty()) {
      return;
    }
    p.raw("<section class=\"verdict warn\" id=\"caveats\">\n");
    p.el("p", "headline", "Read with care");
    p.list(caveats.stream().map(c -> c + ".").toList());
    p.raw("</section>\n");
  }

  private static void layerTable(PageBuilder p, LayerTable t) {
    p.raw("<div class=\"scroll\"><table>\n<thead><tr><th>block</th>");
    for (LayerTable.Column c : t.columns()) {
      p.raw("<th>").text(c.header()).raw("</th>");
    }
    p.raw("<th>ineffective</th></tr></thead>\n<tbody>\n");
    for (LayerTable.Row r : t.rows()) {
      boolean ineff = Boolean.TRUE.equals(r.ineffective());
      p.raw(ineff ? "<tr class=\"ineffective\">" : "<tr>");
      p.raw("<td>").text(Integer.toString(r.block())).raw("</td>");
      for (int c = 0; c < r.values().length; c++) {
        double v = r.values()[c];
        String s = t.columns().get(c).percent() ? Format.percent(v) : Format.number(v, 4);
        p.raw("<td>").text(s).raw("</td>");
      }
      String flag = r.ineffective() == null ? Format.UNDEFINED : ineff ? "yes" : "no";
      p.raw("<td>").text(flag).raw("</td></tr>\n");
    }
    p.raw("</tbody>\n</table></div>\n");
  }

  private static void summaryTable(PageBuilder p, List<LabeledAudit> audits) {
    List<Map.Entry<String, Function<AuditResult, String>>> rows = new ArrayList<>();
    rows.add(Map.entry("architecture", a -> a.model().architecture()));
    rows.add(Map.entry("layers", a -> Integer.toString(a.model().layers())));
    rows.add(Map.entry("hidden size", a -> Integer.toString(a.model().hiddenSize())));
    rows.add(Map.entry("parameters", a -> parameters(a.model().parameters())));
    rows.add(Map.entry("eval data", a -> a.eval().source()));
    rows.add(Map.entry("baseline NLL (nats)", a -> Format.number(a.metrics().baselineNll(), 4)));
    rows.add(
        Map.entry(
            "variance growth h_L / h_1",
            a -> sum(a, s -> Format.number(s.varianceGrowth(), 3) + "\u00d7")));
    rows.add(Map.entry("growth", a -> sum(a, AuditSummary::growth)));
    rows.add(
        Map.entry(
            "log-variance slope per layer",
            a -> sum(a, s -> Format.number(s.logVarianceSlope(), 3))));
    rows.add(
        Map.entry(
            "log fit r\u00b2 / linear fit r\u00b2",
            a ->
                sum(
                    a,
                    s ->
                        Format.number(s.logVarianceR2(), 3)
                            + " / "
                            + Format.number(s.linearVarianceR2(), 3))));
    rows.add(
        Map.entry(
            "threshold", a -> sum(a, s -> Format.percent(s.threshold()) + " of baseline NLL")));
    rows.add(
        Map.entry(
            "ineffective blocks",
            a ->
                sum(
                    a,
                    s ->
                        s.ineffectiveLayers().size()
                            + " ("
                            + Format.percent(s.ineffectiveFraction())
                            + ")")));
    rows.add(
        Map.entry(
            "longest ineffective run",
            a ->
                sum(
                    a,
                    s ->
                        s.longestRun().size() == 2
                            ? s.longestRun().get(0) + "\u2013" + s.longestRun().get(1)
                            : "none")));
    rows.add(
        Map.entry(
            "that run removed together, measured \u0394NLL",
            a ->
                sum(
                    a,
                    s ->
                        s.cut() == null
                            ? Format.UNDEFINED
                            : Format.number(s.cut().jointDeltaNll(), 4)
                                + " (sum of singles "
                                + Format.number(s.cut().sumOfSingleDeltas(), 4)
                                + ")")));
    rows.add(Map.entry("MC accuracy (acc)", a -> Format.percent(a.metrics().mcAccuracy())));
    rows.add(
        Map.entry(
            "MC acc_norm",
            a -> a.mc() == null ? Format.UNDEFINED : Format.percent(a.mc().accNorm())));
    p.raw("<div class=\"scroll\"><table>\n<thead><tr><th class=\"text\"></th>");
    for (LabeledAudit la : audits) {
      p.raw("<th class=\"text\">").text(la.label()).raw("</th>");
    }
    p.raw("</tr></thead>\n<tbody>\n");
    for (var row : rows) {
      p.raw("<tr><th class=\"text\" scope=\"row\">").text(row.getKey()).raw("</th>");
      for (LabeledAudit la : audits) {
        p.raw("<td class=\"text\">").text(row.getValue().apply(la.audit())).raw("</td>");
      }
      p.raw("</tr>\n");
    }
    p.raw("</tbody>\n</table></div>\n");
  }

  private static String sum(AuditResult a, Function<AuditSummary, String> f) {
    return a.summary() == null ? Format.UNDEFINED : f.apply(a.summary());
  }

  private static void trainingTable(PageBuilder p, List<TrainingCurves> curves) {
    p.raw("<div class=\"scroll\"><table>\n<thead><tr><th class=\"text\">run</th>");
    p.raw("<th>logged steps</th><th>last step</th><th>last training loss</th>");
    p.raw("<th>final eval loss</th></tr></thead>\n<tbody>\n");
    for (TrainingCurves c : curves) {
      double[] last = c.losses().isEmpty() ? null : c.losses().get(c.losses().size() - 1);
      p.raw("<tr><td class=\"text\">").text(c.name()).raw("</td><td>");
      p.text(Integer.toString(c.losses().size())).raw("</td><td>");
      p.text(last == null ? Format.UNDEFINED : Format.number(last[0], 6)).raw("</td><td>");
      p.text(last == null ? Format.UNDEFINED : Format.number(last[1], 4)).raw("</td><td>");
      p.text(Format.number(c.finalEvalLoss(), 4)).raw("</td></tr>\n");
    }
    p.raw("</tbody>\n</table></div>\n");
  }

  private static List<String[]> definitions(double threshold, boolean compare) {
    List<String[]> d = new ArrayList<>();
    d.add(
        new String[] {
          "hidden states h_0 .. h_L",
          "h_0 is the embedding output; h_l (l = 1..L) is the residual stream leaving block l\u22121, before the final norm. Metrics are computed in float64 from float32 hidden states."
        });
    d.add(
        new String[] {
          "output variance (variance[l])",
          "Population variance over the hidden dimension of h_l, averaged over all positions. With Pre-LayerNorm it tends to grow with depth (the Curse of Depth); LayerNorm Scaling multiplies each block's pre-norm outputs by 1/\u221a(l+1) to keep it in check."
        });
    d.add(
        new String[] {
          "angular distance (angular_distance[l])",
          "arccos(cos(h_l, h_l+1)) / \u03c0 per position, cosine clamped to [\u22121, 1], averaged over positions: 0 means block l leaves the direction of the stream unchanged."
        });
    d.add(
        new String[] {
          "block influence (block_influence[l])",
          "1 \u2212 cos(h_l, h_l+1), averaged over positions (ShortGPT's measure)."
        });
    d.add(
        new String[] {
          "n-layers-ahead distance (last_token_angular_matrix[a][n])",
          "At the last position of each sequence, arccos(cos(h_a, h_a+n)) / \u03c0 averaged over sequences, for n = 1..L\u2212a (Gromov et al.)."
        });
    d.add(
        new String[] {
          "last-token angular distance (angular_distance_last_token[l])",
          "arccos(cos(h_l, h_l+1)) / \u03c0 at the last position of each sequence, averaged over sequences: Gromov et al.'s and PruneMe's measure (PruneMe drops h_0, so it never measures block 0; its block_start is our block index), also the angular option of ShortGPT's ShortHF wrapper. Ours (angular distance) averages over all positions instead."
        });
    d.add(
        new String[] {
          "post-norm variants (*_post_norm)",
          "The same with h_L taken after the model's final norm, as Hugging Face's output_hidden_states and so every peer tool take it; only the last block's entry differs. block_influence_sum[_post_norm] is block influence summed over positions, ShortGPT's scale (same ranking as the mean); its post-norm variant is ShortGPT's importance, lowest removed first."
        });
    d.add(
        new String[] {
          "paper-style heatmap (report --heatmap paper)",
          "The n-layers-ahead matrix transposed (rows n, columns l), h_L after the final norm, each row clipped to its 1st\u201399th percentile then min-max scaled to 0..1, cells reaching h_L hidden: how the Curse of Depth paper draws it. Colours compare within a row only."
        });
    d.add(
        new String[] {
          "baseline NLL",
          "Mean next-token cross-entropy (natural log, nats per token) over all predicted positions."
        });
    d.add(
        new String[] {
          "pruned NLL and \u0394NLL (pruning_delta_nll[l])",
          "The NLL with block l replaced by the identity (h_l+1 := h_l), everything else unchanged, minus the baseline NLL. The 95% interval is a percentile bootstrap over sequences (1000 resamples, fixed seed)."
        });
    d.add(
        new String[] {
          "ineffective block",
          "A block whose \u0394NLL is below the threshold times the baseline NLL (threshold "
              + Format.percent(threshold)
              + " here), including blocks whose removal lowers the NLL."
        });
    d.add(
        new String[] {
          "variance growth and fits",
          "Variance of h_L over variance of h_1; least-squares fits of ln variance[l] and of variance[l] on l for l = 1..L. The growth is called exponential when the log fit has the higher r\u00b2."
        });
    d.add(
        new String[] {
          "multiple-choice accuracy",
          "Each choice is scored by the summed log-probability of its tokens after the question; a question is right when the right choice scores strictly highest. The change per block is the accuracy without the block minus the baseline, with a 95% bootstrap interval over questions."
        });
    d.add(
        new String[] {
          "expert load (MoE)",
          "Tokens the router sent to each expert of a MoE layer over the evaluation data, shown as a share of the layer's routed tokens."
        });
    if (compare) {
      d.add(
          new String[] {
            "relative depth",
            "When the compared models have different layer counts, hidden state h_l is drawn at l/L and block l at (l + 0.5)/L, so 0 is the embedding output and 1 the last block's output."
          });
    }
    return d;
  }

  private static List<String[]> environment(AuditResult a) {
    List<String[]> rows = new ArrayList<>();
    AuditResult.ModelInfo m = a.model();
    rows.add(new String[] {"model path", m.path()});
    rows.add(new String[] {"model name", m.name()});
    rows.add(new String[] {"architecture / model_type", m.architecture() + " / " + m.modelType()});
    rows.add(new String[] {"layers, hidden size", m.layers() + ", " + m.hiddenSize()});
    rows.add(new String[] {"parameters", Long.toString(m.parameters())});
    rows.add(new String[] {"dtype on disk", m.dtypeOnDisk()});
    AuditResult.EvalInfo e = a.eval();
    rows.add(new String[] {"eval source", e.source()});
    rows.add(
        new String[] {
          "sequences \u00d7 tokens per sequence", e.sequences() + " \u00d7 " + e.seqLen()
        });
    rows.add(new String[] {"predicted tokens", Long.toString(e.tokens())});
    rows.add(new String[] {"multiple-choice questions", Integer.toString(e.mcQuestions())});
    if (a.uncertainty() != null) {
      rows.add(new String[] {"intervals", a.uncertainty().method()});
    }
    if (a.sweep() != null) {
      rows.add(
          new String[] {
            "pruning sweep",
            a.sweep().blockEvaluations()
                + " block evaluations in "
                + a.sweep().batches()
                + " batches (naive: "
                + a.sweep().naiveBlockEvaluations()
                + ")"
          });
    }
    if (a.timings() != null) {
      new TreeMap<>(a.timings())
          .forEach((k, v) -> rows.add(new String[] {"time: " + k, Format.number(v, 4) + " s"}));
    }
    if (a.versions() != null) {
      new TreeMap<>(a.versions()).forEach((k, v) -> rows.add(new String[] {"version: " + k, v}));
    }
    rows.add(
        new String[] {
          "report written with",
          "Java " + System.getProperty("java.version") + ", JFreeChart " + jfreechartVersion()
        });
    rows.add(new String[] {"schema", a.schema()});
    return rows;
  }

  private static void environmentTable(PageBuilder p, List<LabeledAudit> audits) {
    List<List<String[]>> envs = audits.stream().map(la -> environment(la.audit())).toList();
    // Rows by key in first-seen order, so audits with different timings/versions line up.
    List<String> keys = new ArrayList<>();
    for (List<String[]> env : envs) {
      for (String[] r : env) {
        if (!keys.contains(r[0])) {
          keys.add(r[0]);
        }
      }
    }
    p.raw("<div class=\"scroll\"><table>\n<thead><tr><th class=\"text\"></th>");
    for (LabeledAudit la : audits) {
      p.raw("<th class=\"text\">").text(la.label()).raw("</th>");
    }
    p.raw("</tr></thead>\n<tbody>\n");
    for (String key : keys) {
      p.raw("<tr><th class=\"text\" scope=\"row\">").text(key).raw("</th>");
      for (List<String[]> env : envs) {
        String v =
            env.stream()
                .filter(r -> r[0].equals(key))
                .map(r -> r[1])
                .findFirst()
                .orElse(Format.UNDEFINED);
        p.raw("<td class=\"text\">").text(v).raw("</td>");
      }
      p.raw("</tr>\n");
    }
    p.raw("</tbody>\n</table></div>\n");
  }

  private static String jfreechartVersion() {
    String v = org.jfree.chart.JFreeChart.class.getPackage().getImplementationVersion();
    return v != null ? v : "1.5";
  }
}
