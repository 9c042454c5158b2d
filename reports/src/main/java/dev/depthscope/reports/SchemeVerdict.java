package dev.depthscope.reports;

import dev.depthscope.core.analysis.SchemeComparison;
import dev.depthscope.core.analysis.SchemeComparison.Estimate;
import dev.depthscope.core.analysis.SchemeComparison.ModelFigures;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A norm-scheme comparison in plain words, one symptom at a time: for each symptom (eval loss,
 * variance growth, joint removal of the deep half, Jacobian deviation of the deep half) one
 * sentence per model with its own number and interval, and one sentence per difference saying
 * whether its interval excludes zero. Models whose numbers differ never share a sentence: numbers
 * are printed with as many significant digits as it takes to tell them apart. The headline states
 * only what the intervals support.
 *
 * @param headline what this run measured, in one sentence
 * @param symptoms the symptoms in order: eval loss, variance growth, deep-half removal, and when
 *     measured the deep half's Jacobian deviation
 */
public record SchemeVerdict(String headline, List<Symptom> symptoms) {

  /**
   * One symptom.
   *
   * @param name short name ("eval loss")
   * @param perModel one sentence per model, in scheme order
   * @param differences one sentence per scheme after the first, against the first
   */
  public record Symptom(String name, List<String> perModel, List<String> differences) {
    public Symptom {
      perModel = List.copyOf(perModel);
      differences = List.copyOf(differences);
    }
  }

  public SchemeVerdict {
    symptoms = List.copyOf(symptoms);
  }

  /** The verdict of {@code c}. */
  public static SchemeVerdict of(SchemeComparison c) {
    List<ModelFigures> models = c.models();
    ModelFigures first = models.get(0);
    String half =
        "blocks " + first.deepHalfFirst() + "\u2013" + (first.layers() - 1) + " removed together";
    List<Symptom> symptoms = new ArrayList<>();
    symptoms.add(
        symptom(
            "eval loss",
            c,
            ModelFigures::evalLoss,
            (m, v) -> m + ": eval loss " + v + " nats per token",
            "eval loss",
            " nats",
            "lower",
            "higher"));
    symptoms.add(
        symptom(
            "variance growth",
            c,
            ModelFigures::varianceGrowth,
            (m, v) -> m + ": the residual variance grows by a factor " + v + " from h_1 to h_L",
            "variance growth",
            "",
            "smaller",
            "larger"));
    symptoms.add(
        symptom(
            "deep half",
            c,
            ModelFigures::deepHalfDelta,
            (m, v) -> m + ": with the deep half (" + half + ") the NLL rises by " + v + " nats",
            "cost of removing the deep half",
            " nats",
            "smaller (its deep half matters less)",
            "larger (its deep half matters more)"));
    if (models.stream().allMatch(m -> m.deepHalfJacobianDeviation() != null)) {
      symptoms.add(
          symptom(
              "Jacobian deviation",
              c,
              ModelFigures::deepHalfJacobianDeviation,
              (m, v) ->
                  m
                      + ": the deep half's blocks deviate from the identity by ||J \u2212 I||_F /"
                      + " \u221a(BTD) = "
                      + v
                      + " (root mean square over blocks "
                      + first.deepHalfFirst()
                      + "\u2013"
                      + (first.layers() - 1)
                      + ")",
              "deep half",
              "",
              "closer to the identity (its deep blocks change less)",
              "farther from the identity (its deep blocks do more)"));
    }
    return new SchemeVerdict(headline(c), symptoms);
  }

  private interface Sentence {
    String of(String model, String value);
  }

  private static Symptom symptom(
      String name,
      SchemeComparison c,
      Function<ModelFigures, Estimate> field,
      Sentence sentence,
      String what,
      String unit,
      String lowerWord,
      String higherWord) {
    List<ModelFigures> models = c.models();
    double[] values = models.stream().mapToDouble(m -> field.apply(m).value()).toArray();
    int digits = distinguishingDigits(values);
    List<String> perModel = new ArrayList<>();
    for (ModelFigures m : models) {
      perModel.add(sentence.of(m.label(), withInterval(field.apply(m), digits)) + ".");
    }
    List<String> diffs = new ArrayList<>();
    for (int i = 0; i < c.differences().size(); i++) {
      ModelFigures d = c.differences().get(i);
      Estimate e = field.apply(d);
      String model = models.get(i + 1).label();
      String ref = models.get(0).label();
      String judged =
          e.sign() == 0
              ? "the interval includes 0, so this run cannot tell "
                  + model
                  + " from "
                  + ref
                  + " on this symptom"
              : model + "'s " + what + " is " + (e.sign() < 0 ? lowerWord : higherWord);
      diffs.add(d.label() + ": " + signed(e, 3) + unit + "; " + judged + ".");
    }
    return new Symptom(name, perModel, diffs);
  }

  private static String headline(SchemeComparison c) {
    List<String> clauses = new ArrayList<>();
    for (int i = 0; i < c.differences().size(); i++) {
      ModelFigures d = c.differences().get(i);
      String m = c.models().get(i + 1).label();
      String ref = c.models().get(0).label();
      clauses.add(
          m
              + " vs "
              + ref
              + ": eval loss "
              + word(d.evalLoss(), "lower", "higher")
              + " ("
              + signed(d.evalLoss(), 3)
              + " nats), variance growth "
              + word(d.varianceGrowth(), "smaller", "larger")
              + " ("
              + signed(d.varianceGrowth(), 3)
              + "), deep-half removal cost "
              + word(d.deepHalfDelta(), "smaller", "larger")
              + " ("
              + signed(d.deepHalfDelta(), 3)
              + " nats)"
              + (d.deepHalfJacobianDeviation() == null
                  ? ""
                  : ", deep-half Jacobian deviation "
                      + word(d.deepHalfJacobianDeviation(), "smaller", "larger")
                      + " ("
                      + signed(d.deepHalfJacobianDeviation(), 3)
                      + ")"));
    }
    String over = c.seeds() == 1 ? "one seed" : c.seeds() + " seeds";
    return "Measured on " + over + ", 95% intervals: " + String.join("; ", clauses) + ".";
  }

  private static String word(Estimate e, String lower, String higher) {
    return e.sign() < 0 ? lower : e.sign() > 0 ? higher : "not distinguishable";
  }

  /** {@code value (95% CI low to high)}. */
  static String withInterval(Estimate e, int digits) {
    if (Double.isNaN(e.low())) {
      return num(e.value(), digits) + " (no interval: too few units)";
    }
    return num(e.value(), digits)
        + " (95% CI "
        + num(e.low(), digits)
        + " to "
        + num(e.high(), digits)
        + ")";
  }

  private static String signed(Estimate e, int digits) {
    String v = (e.value() >= 0 ? "+" : "") + num(e.value(), digits);
    if (Double.isNaN(e.low())) {
      return v;
    }
    return v + ", 95% CI " + num(e.low(), digits) + " to " + num(e.high(), digits);
  }

  /** {@link Format#number} with a typographic minus sign. */
  private static String num(double x, int digits) {
    String s = Format.number(x, digits);
    return s.startsWith("-") ? "\u2212" + s.substring(1) : s;
  }

  /**
   * The significant digits (at least 4, at most 17) from which no two different values print alike.
   */
  static int distinguishingDigits(double[] values) {
    for (int digits = 4; digits < 17; digits++) {
      if (distinct(values, digits)) {
        return digits;
      }
    }
    return 17;
  }

  private static boolean distinct(double[] v, int digits) {
    for (int i = 0; i < v.length; i++) {
      for (int j = i + 1; j < v.length; j++) {
        if (Double.compare(v[i], v[j]) != 0
            && Format.number(v[i], digits).equals(Format.number(v[j], digits))) {
          return false;
        }
      }
    }
    return true;
  }
}
