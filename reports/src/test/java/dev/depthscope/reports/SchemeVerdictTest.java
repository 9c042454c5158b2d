package dev.depthscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.analysis.SchemeComparison;
import dev.depthscope.core.analysis.SchemeComparison.Estimate;
import dev.depthscope.core.analysis.SchemeComparison.ModelFigures;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scheme verdict's wording: one sentence per model and symptom that never coincides for two
 * models whose numbers differ (however close), differences judged by whether their interval
 * excludes zero, and a headline that claims no more than the intervals.
 */
class SchemeVerdictTest {
  private static Estimate e(double v, double lo, double hi) {
    return new Estimate(v, lo, hi, new double[] {v});
  }

  private static SchemeComparison comparison(
      ModelFigures pre, ModelFigures lns, ModelFigures diff) {
    return new SchemeComparison("test", 1, List.of(pre, lns), List.of(diff));
  }

  @Test
  void modelsWithDifferentNumbersNeverShareASentence() {
    // Equal to 5 significant digits, different after: every sentence must still differ.
    ModelFigures pre =
        new ModelFigures(
            "A", e(1.569912, 1.56, 1.58), e(3.000001, 2.9, 3.1), e(0.41, 0.4, 0.42), null, 12, 24);
    ModelFigures lns =
        new ModelFigures(
            "A", e(1.569934, 1.56, 1.58), e(3.000004, 2.9, 3.1), e(0.41, 0.4, 0.42), null, 12, 24);
    ModelFigures diff =
        new ModelFigures(
            "A \u2212 A",
            e(2.2e-5, -0.01, 0.01),
            e(3e-6, -0.1, 0.1),
            e(0, -0.01, 0.01),
            null,
            12,
            24);
    SchemeVerdict v = SchemeVerdict.of(comparison(pre, lns, diff));
    assertEquals(3, v.symptoms().size(), "no Jacobian measured: no Jacobian symptom");
    // Same label on purpose: only the numbers can tell the sentences apart.
    assertNotEquals(v.symptoms().get(0).perModel().get(0), v.symptoms().get(0).perModel().get(1));
    assertNotEquals(v.symptoms().get(1).perModel().get(0), v.symptoms().get(1).perModel().get(1));
    // Deep half: identical numbers, identical sentences are allowed.
    assertEquals(v.symptoms().get(2).perModel().get(0), v.symptoms().get(2).perModel().get(1));
    assertTrue(v.symptoms().get(0).perModel().get(0).contains("1.56991 "), v.toString());
  }

  @Test
  void differencesAreJudgedByTheirIntervals() {
    ModelFigures pre =
        new ModelFigures(
            "Pre-LN",
            e(1.57, 1.56, 1.58),
            e(14, 12, 16),
            e(0.2, 0.15, 0.25),
            e(0.05, 0.04, 0.06),
            12,
            24);
    ModelFigures lns =
        new ModelFigures(
            "LNS",
            e(1.58, 1.57, 1.59),
            e(1.3, 1.2, 1.4),
            e(0.9, 0.8, 1.0),
            e(0.3, 0.25, 0.35),
            12,
            24);
    ModelFigures diff =
        new ModelFigures(
            "LNS \u2212 Pre-LN",
            e(0.0125, -0.002, 0.027),
            e(-12.7, -14.8, -10.6),
            e(0.7, 0.6, 0.8),
            e(0.25, 0.2, 0.3),
            12,
            24);
    SchemeVerdict v = SchemeVerdict.of(comparison(pre, lns, diff));
    String loss = v.symptoms().get(0).differences().get(0);
    assertTrue(loss.contains("includes 0") && loss.contains("cannot tell"), loss);
    String var = v.symptoms().get(1).differences().get(0);
    assertTrue(var.contains("smaller") && var.contains("\u221212.7"), var);
    String deep = v.symptoms().get(2).differences().get(0);
    assertTrue(deep.contains("larger") && deep.contains("matters more"), deep);
    assertEquals(4, v.symptoms().size());
    String jac = v.symptoms().get(3).differences().get(0);
    assertTrue(jac.contains("farther from the identity"), jac);
    assertTrue(v.headline().contains("eval loss not distinguishable"), v.headline());
    assertTrue(v.headline().contains("variance growth smaller"), v.headline());
    assertFalse(v.headline().toLowerCase().contains("cure"), v.headline());
    assertTrue(v.symptoms().get(2).perModel().get(0).contains("blocks 12\u201323"), v.toString());
  }

  @Test
  void significantDigitsGrowUntilDistinctValuesPrintDifferently() {
    assertEquals(4, SchemeVerdict.distinguishingDigits(new double[] {1.5824, 1.5699}));
    assertEquals(6, SchemeVerdict.distinguishingDigits(new double[] {1.56991, 1.56993}));
    assertEquals(4, SchemeVerdict.distinguishingDigits(new double[] {2.0, 2.0}));
  }
}
