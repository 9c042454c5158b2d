package dev.depthscope.core.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.distribution.TDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Norm schemes compared symptom by symptom, each figure with a 95% interval: the eval loss, the
 * variance growth h_L / h_1, the NLL cost of removing the deep half together and the Jacobian
 * deviation of the deep half ({@link DepthMeasures}), per model and as the difference of every
 * model from the first (the reference, Pre-LN in the demo).
 *
 * <p>With one seed the intervals are percentile bootstraps ({@link Bootstrap#RESAMPLES} resamples,
 * seed {@link Bootstrap#SEED}): the eval loss over evaluation batches, the other two over
 * sequences. Differences are paired (both models are evaluated on the same batches, so a resample
 * draws the same units for both). With several seeds (of init and data order) each figure is the
 * mean over the seeds and its interval the Student-t interval of that mean, {@code mean +- t(0.975,
 * N-1) * sd / sqrt(N)}: the spread a new user would see when re-running with another seed.
 *
 * @param method how the intervals were computed, in words
 * @param seeds N, the runs per scheme
 * @param models per scheme, in order, its figures
 * @param differences per scheme after the first, its figures minus the reference's
 */
public record SchemeComparison(
    String method, int seeds, List<ModelFigures> models, List<ModelFigures> differences) {

  /** Below this many evaluation batches the method text calls the eval-loss interval crude. */
  static final int CRUDE_BELOW = 5;

  public SchemeComparison {
    models = List.copyOf(models);
    differences = List.copyOf(differences);
  }

  /**
   * A number with its 95% interval, and the per-seed values it came from (one entry with one seed).
   */
  public record Estimate(double value, double low, double high, double[] perSeed) {
    /** Whether the interval lies entirely above (1) or below (-1) zero, or contains it (0). */
    public int sign() {
      return low > 0 ? 1 : high < 0 ? -1 : 0;
    }
  }

  /**
   * The symptoms of one model (or one difference between two).
   *
   * @param label the scheme's label ("LNS"; for a difference "LNS \u2212 Pre-LN")
   * @param evalLoss mean next-token NLL on the eval batches (nats)
   * @param varianceGrowth variance of h_L over h_1
   * @param deepHalfDelta NLL increase with the deep half removed together (nats per token)
   * @param deepHalfJacobianDeviation the root mean square over the deep-half blocks of {@code ||J_l
   *     - I||_F / sqrt(B*T*D)} (null when not measured)
   * @param deepHalfFirst first block of the deep half (0-based; the half runs to the last block)
   * @param layers L
   */
  public record ModelFigures(
      String label,
      Estimate evalLoss,
      Estimate varianceGrowth,
      Estimate deepHalfDelta,
      Estimate deepHalfJacobianDeviation,
      int deepHalfFirst,
      int layers) {}

  /**
   * Compares schemes. {@code runs.get(s).get(m)} is seed s, scheme m; every seed measured the
   * schemes on the same evaluation batches.
   */
  public static SchemeComparison of(List<String> labels, List<List<DepthMeasures>> runs) {
    if (runs.isEmpty() || labels.isEmpty()) {
      throw new IllegalArgumentException("nothing to compare");
    }
    for (List<DepthMeasures> seed : runs) {
      if (seed.size() != labels.size()) {
        throw new IllegalArgumentException(
            "every seed needs one measurement per scheme (" + labels.size() + ")");
      }
    }
    int n = runs.size();
    List<ModelFigures> models = new ArrayList<>();
    List<ModelFigures> diffs = new ArrayList<>();
    for (int m = 0; m < labels.size(); m++) {
      List<ModelFigures> perSeed = new ArrayList<>();
      List<ModelFigures> perSeedDiff = new ArrayList<>();
      for (List<DepthMeasures> seed : runs) {
        perSeed.add(single(labels.get(m), seed.get(m), null));
        if (m > 0) {
          perSeedDiff.add(
              single(labels.get(m) + " \u2212 " + labels.get(0), seed.get(m), seed.get(0)));
        }
      }
      models.add(n == 1 ? perSeed.get(0) : overSeeds(perSeed));
      if (m > 0) {
        diffs.add(n == 1 ? perSeedDiff.get(0) : overSeeds(perSeedDiff));
      }
    }
    String method =
        n == 1
            ? "95% percentile bootstrap, "
                + Bootstrap.RESAMPLES
                + " resamples (seed "
                + Bootstrap.SEED
                + "): eval loss over the "
                + runs.get(0).get(0).batchLoss().length
                + " evaluation batches, variance growth, deep-half removal and Jacobian deviation"
                + " over the "
                + runs.get(0).get(0).tokens().length
                + " evaluation sequences; differences paired on the same units"
                + (runs.get(0).get(0).batchLoss().length < CRUDE_BELOW
                    ? " (with so few evaluation batches the eval-loss interval is crude)"
                    : "")
                + ". These intervals cover the sampling of the evaluation data only: another seed"
                + " of init and data order can move the figures further (--seeds N measures that)"
            : "mean over "
                + n
                + " seeds of init and data order, 95% Student-t interval of the mean (t(0.975, "
                + (n - 1)
                + ") \u00d7 sd / \u221a"
                + n
                + "); differences paired within each seed";
    return new SchemeComparison(method, n, models, diffs);
  }

  /** One seed: a model's figures ({@code ref == null}) or {@code x} minus {@code ref}. */
  static ModelFigures single(String label, DepthMeasures x, DepthMeasures ref) {
    if (ref != null && x.batchLoss().length != ref.batchLoss().length) {
      throw new IllegalArgumentException("the schemes were evaluated on different batches");
    }
    ToDoubleFunction<int[]> loss =
        idx -> mean(x.batchLoss(), idx) - (ref == null ? 0 : mean(ref.batchLoss(), idx));
    ToDoubleFunction<int[]> growth = idx -> growth(x, idx) - (ref == null ? 0 : growth(ref, idx));
    ToDoubleFunction<int[]> deep = idx -> deep(x, idx) - (ref == null ? 0 : deep(ref, idx));
    boolean jacobian =
        x.jacobianSquares() != null && (ref == null || ref.jacobianSquares() != null);
    ToDoubleFunction<int[]> jac = idx -> jacobian(x, idx) - (ref == null ? 0 : jacobian(ref, idx));
    return new ModelFigures(
        label,
        bootstrap(x.batchLoss().length, loss),
        bootstrap(x.tokens().length, growth),
        bootstrap(x.tokens().length, deep),
        jacobian ? bootstrap(x.tokens().length, jac) : null,
        x.deepHalfFirst(),
        x.layers());
  }

  /**
   * The statistic on all units, and its 95% percentile interval over {@link Bootstrap#RESAMPLES}
   * resamples of {@code n} units drawn with replacement, from a generator seeded with {@link
   * Bootstrap#SEED} and drawn in the same order as {@link Bootstrap#ratioInterval}.
   */
  static Estimate bootstrap(int n, ToDoubleFunction<int[]> statistic) {
    int[] all = new int[n];
    for (int i = 0; i < n; i++) {
      all[i] = i;
    }
    double point = statistic.applyAsDouble(all);
    if (n < AuditIntervals.MIN_UNITS) {
      return new Estimate(point, Double.NaN, Double.NaN, new double[] {point});
    }
    RandomGenerator rng = new Well19937c(Bootstrap.SEED);
    double[] stats = new double[Bootstrap.RESAMPLES];
    int[] idx = new int[n];
    for (int b = 0; b < stats.length; b++) {
      for (int i = 0; i < n; i++) {
        idx[i] = rng.nextInt(n);
      }
      stats[b] = statistic.applyAsDouble(idx);
    }
    Percentile p = new Percentile();
    p.setData(stats);
    return new Estimate(point, p.evaluate(2.5), p.evaluate(97.5), new double[] {point});
  }

  /** Per symptom, the mean over seeds and its t-interval. */
  static ModelFigures overSeeds(List<ModelFigures> seeds) {
    ModelFigures f = seeds.get(0);
    return new ModelFigures(
        f.label(),
        tInterval(seeds.stream().mapToDouble(s -> s.evalLoss().value()).toArray()),
        tInterval(seeds.stream().mapToDouble(s -> s.varianceGrowth().value()).toArray()),
        tInterval(seeds.stream().mapToDouble(s -> s.deepHalfDelta().value()).toArray()),
        seeds.stream().allMatch(s -> s.deepHalfJacobianDeviation() != null)
            ? tInterval(
                seeds.stream().mapToDouble(s -> s.deepHalfJacobianDeviation().value()).toArray())
            : null,
        f.deepHalfFirst(),
        f.layers());
  }

  /** The mean of {@code v} and its 95% Student-t interval ({@code v.length >= 2}). */
  static Estimate tInterval(double[] v) {
    int n = v.length;
    double mean = DepthMeasures.sum(v) / n;
    double ss = 0;
    for (double x : v) {
      ss += (x - mean) * (x - mean);
    }
    double sd = Math.sqrt(ss / (n - 1));
    double half =
        new TDistribution(null, n - 1).inverseCumulativeProbability(0.975) * sd / Math.sqrt(n);
    return new Estimate(mean, mean - half, mean + half, v.clone());
  }

  private static double mean(double[] x, int[] idx) {
    double s = 0;
    for (int i : idx) {
      s += x[i];
    }
    return s / idx.length;
  }

  private static double growth(DepthMeasures x, int[] idx) {
    double num = 0;
    double den = 0;
    for (int i : idx) {
      num += x.varianceLast()[i];
      den += x.varianceFirst()[i];
    }
    return num / den;
  }

  private static double jacobian(DepthMeasures x, int[] idx) {
    double num = 0;
    double den = 0;
    for (int i : idx) {
      num += x.jacobianSquares()[i];
      den += x.jacobianEntries()[i];
    }
    return Math.sqrt(num / den);
  }

  private static double deep(DepthMeasures x, int[] idx) {
    double num = 0;
    double den = 0;
    for (int i : idx) {
      num += x.deepHalfNll()[i] - x.baseNll()[i];
      den += x.tokens()[i];
    }
    return num / den;
  }
}
