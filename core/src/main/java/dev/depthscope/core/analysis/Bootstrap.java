package dev.depthscope.core.analysis;

import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;

/**
 * Percentile bootstrap confidence intervals over independent units (sequences or questions): the
 * statistic is a ratio {@code sum(numerator[i]) / sum(denominator[i])} over a resample of units
 * drawn with replacement, so a per-token mean weights each sequence by its token count.
 */
public final class Bootstrap {
  /** Resamples per interval. */
  public static final int RESAMPLES = 1000;

  /** Seed, fixed so that audits are reproducible. */
  public static final long SEED = 20250207L;

  private Bootstrap() {}

  /** A two-sided interval. */
  public record Interval(double low, double high) {}

  /**
   * The 95% percentile interval of {@code sum(num) / sum(den)}, with {@link #RESAMPLES} resamples
   * from a generator seeded with {@link #SEED}.
   */
  public static Interval ratioInterval(double[] numerator, double[] denominator) {
    int n = numerator.length;
    if (n == 0 || denominator.length != n) {
      throw new IllegalArgumentException("need equally many numerators and denominators");
    }
    RandomGenerator rng = new Well19937c(SEED);
    double[] stats = new double[RESAMPLES];
    for (int b = 0; b < RESAMPLES; b++) {
      double num = 0;
      double den = 0;
      for (int i = 0; i < n; i++) {
        int k = rng.nextInt(n);
        num += numerator[k];
        den += denominator[k];
      }
      stats[b] = num / den;
    }
    Percentile p = new Percentile();
    p.setData(stats);
    return new Interval(p.evaluate(2.5), p.evaluate(97.5));
  }
}
