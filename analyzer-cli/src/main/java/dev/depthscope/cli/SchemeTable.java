package dev.depthscope.cli;

import dev.depthscope.core.analysis.SchemeComparison;
import dev.depthscope.core.analysis.SchemeComparison.Estimate;
import dev.depthscope.core.analysis.SchemeComparison.ModelFigures;
import dev.depthscope.reports.SchemeVerdict;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The plain-text summary of a scheme comparison that {@code train-compare} and {@code demo} print:
 * one row per symptom, one column per model and per difference, each a value with its 95% interval,
 * then the verdict (headline and the differences in words).
 */
final class SchemeTable {
  private SchemeTable() {}

  static void print(PrintWriter o, SchemeComparison c) {
    List<String> header = new ArrayList<>();
    header.add("symptom, value [95% CI]");
    c.models().forEach(m -> header.add(m.label()));
    c.differences().forEach(d -> header.add(d.label()));
    List<List<String>> rows = new ArrayList<>();
    rows.add(header);
    rows.add(row(c, "eval loss (nats)", ModelFigures::evalLoss, 4));
    rows.add(row(c, "variance growth h_L/h_1", ModelFigures::varianceGrowth, 3));
    ModelFigures f = c.models().get(0);
    rows.add(
        row(
            c,
            "blocks " + f.deepHalfFirst() + "-" + (f.layers() - 1) + " removed (nats)",
            ModelFigures::deepHalfDelta,
            3));
    if (f.deepHalfJacobianDeviation() != null) {
      rows.add(
          row(
              c,
              "Jacobian deviation, blocks " + f.deepHalfFirst() + "-" + (f.layers() - 1),
              ModelFigures::deepHalfJacobianDeviation,
              3));
    }
    int[] width = new int[header.size()];
    for (List<String> r : rows) {
      for (int i = 0; i < r.size(); i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    for (List<String> r : rows) {
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        b.append(
            String.format(
                Locale.ROOT, i == 0 ? "%-" + width[i] + "s" : "  %" + width[i] + "s", r.get(i)));
      }
      o.println(b.toString().stripTrailing());
    }
    o.println("intervals: " + c.method() + ".");
    SchemeVerdict v = SchemeVerdict.of(c);
    o.println();
    o.println(v.headline());
    for (SchemeVerdict.Symptom s : v.symptoms()) {
      s.differences().forEach(d -> o.println("- " + s.name() + ": " + d));
    }
  }

  private static List<String> row(
      SchemeComparison c, String name, Function<ModelFigures, Estimate> f, int digits) {
    List<String> r = new ArrayList<>();
    r.add(name);
    c.models().forEach(m -> r.add(cell(f.apply(m), digits, false)));
    c.differences().forEach(d -> r.add(cell(f.apply(d), digits, true)));
    return r;
  }

  private static String cell(Estimate e, int digits, boolean signed) {
    String fmt = "%" + (signed ? "+" : "") + "." + digits + "f";
    String v = String.format(Locale.ROOT, fmt, e.value());
    if (Double.isNaN(e.low())) {
      return v;
    }
    String ci = "%." + digits + "f";
    return v
        + " ["
        + String.format(Locale.ROOT, ci, e.low())
        + ", "
        + String.format(Locale.ROOT, ci, e.high())
        + "]";
  }
}
