package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.analysis.SchemeComparison.Estimate;
import dev.depthscope.core.analysis.SchemeComparison.ModelFigures;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.math3.random.Well19937c;
import org.junit.jupiter.api.Test;

/**
 * The intervals of a scheme comparison against direct computations: the paired bootstrap over
 * evaluation batches, the ratio bootstraps over sequences, and the t-interval over seeds.
 */
class SchemeComparisonTest {

  /** A model of 4 layers measured on {@code batches} batches of 3 sequences of 7 predictions. */
  private static DepthMeasures fake(long seed, int batches, double shift) {
    Random r = new Random(seed);
    int n = batches * 3;
    double[] tokens = new double[n];
    double[] base = new double[n];
    double[] deep = new double[n];
    double[] v1 = new double[n];
    double[] vl = new double[n];
    int[] batchOf = new int[n];
    double[] batchLoss = new double[batches];
    double[] jac = new double[n];
    double[] entries = new double[n];
    for (int i = 0; i < n; i++) {
      entries[i] = 2 * 7 * 8;
      jac[i] = entries[i] * (0.3 + shift / 4 + 0.05 * r.nextDouble());
      batchOf[i] = i / 3;
      tokens[i] = 7;
      base[i] = 7 * (2 + shift + 0.3 * r.nextGaussian());
      deep[i] = base[i] + 7 * (0.5 + 0.1 * r.nextGaussian());
      v1[i] = 64 * (1 + 0.1 * r.nextDouble());
      vl[i] = v1[i] * (3 + shift + r.nextDouble());
      batchLoss[i / 3] += base[i] / 21;
    }
    return new DepthMeasures(4, 2, batchLoss, batchOf, tokens, base, deep, v1, vl, jac, entries, 3);
  }

  @Test
  void evalLossDifferenceIsAPairedBootstrapOverEvaluationBatches() {
    DepthMeasures pre = fake(1, 10, 0);
    DepthMeasures lns = fake(2, 10, -0.2);
    SchemeComparison c = SchemeComparison.of(List.of("Pre-LN", "LNS"), List.of(List.of(pre, lns)));
    Estimate d = c.differences().get(0).evalLoss();
    double[] diff = new double[10];
    for (int b = 0; b < 10; b++) {
      diff[b] = lns.batchLoss()[b] - pre.batchLoss()[b];
    }
    assertEquals(Arrays.stream(diff).average().orElseThrow(), d.value(), 1e-12);
    assertEquals(lns.evalLoss() - pre.evalLoss(), d.value(), 1e-12);
    // Direct: resample the 10 batch differences with the audit's generator, take percentiles.
    Well19937c rng = new Well19937c(Bootstrap.SEED);
    double[] stats = new double[Bootstrap.RESAMPLES];
    for (int k = 0; k < stats.length; k++) {
      double s = 0;
      for (int i = 0; i < 10; i++) {
        s += diff[rng.nextInt(10)];
      }
      stats[k] = s / 10;
    }
    var p = new org.apache.commons.math3.stat.descriptive.rank.Percentile();
    p.setData(stats);
    assertEquals(p.evaluate(2.5), d.low(), 1e-12);
    assertEquals(p.evaluate(97.5), d.high(), 1e-12);
    double[] ones = new double[10];
    Arrays.fill(ones, 1);
    Bootstrap.Interval same = Bootstrap.ratioInterval(diff, ones);
    assertEquals(same.low(), d.low(), 1e-12);
    assertEquals(same.high(), d.high(), 1e-12);
    assertTrue(d.low() < d.value() && d.value() < d.high());
  }

  @Test
  void ratioFiguresAreBootstrappedOverSequences() {
    DepthMeasures pre = fake(3, 6, 0);
    SchemeComparison c = SchemeComparison.of(List.of("Pre-LN"), List.of(List.of(pre)));
    ModelFigures f = c.models().get(0);
    assertEquals(pre.varianceGrowth(), f.varianceGrowth().value(), 1e-12);
    Bootstrap.Interval g = Bootstrap.ratioInterval(pre.varianceLast(), pre.varianceFirst());
    assertEquals(g.low(), f.varianceGrowth().low(), 1e-12);
    assertEquals(g.high(), f.varianceGrowth().high(), 1e-12);
    double[] diff = new double[pre.tokens().length];
    for (int i = 0; i < diff.length; i++) {
      diff[i] = pre.deepHalfNll()[i] - pre.baseNll()[i];
    }
    double[] expected = AuditIntervals.interval(pre.baseNll(), pre.deepHalfNll(), pre.tokens());
    assertEquals(pre.deepHalfDelta(), f.deepHalfDelta().value(), 1e-12);
    assertEquals(expected[0], f.deepHalfDelta().low(), 1e-12);
    assertEquals(expected[1], f.deepHalfDelta().high(), 1e-12);
    Bootstrap.Interval j = Bootstrap.ratioInterval(pre.jacobianSquares(), pre.jacobianEntries());
    assertEquals(pre.deepHalfJacobianDeviation(), f.deepHalfJacobianDeviation().value(), 1e-12);
    // sqrt is monotone: the percentiles of the root are the roots of the percentiles, up to the
    // interpolation between two neighbouring resamples.
    assertEquals(Math.sqrt(j.low()), f.deepHalfJacobianDeviation().low(), 1e-3);
    assertEquals(Math.sqrt(j.high()), f.deepHalfJacobianDeviation().high(), 1e-3);
    assertTrue(c.differences().isEmpty());
    assertTrue(c.method().contains("6 evaluation batches") && c.method().contains("18"));
  }

  @Test
  void severalSeedsGiveTheMeanAndItsStudentTInterval() {
    List<List<DepthMeasures>> runs =
        List.of(
            List.of(fake(10, 4, 0), fake(11, 4, -0.3)),
            List.of(fake(12, 4, 0), fake(13, 4, -0.1)),
            List.of(fake(14, 4, 0), fake(15, 4, -0.2)));
    SchemeComparison c = SchemeComparison.of(List.of("Pre-LN", "LNS"), runs);
    assertEquals(3, c.seeds());
    double[] d = new double[3];
    for (int s = 0; s < 3; s++) {
      d[s] = runs.get(s).get(1).evalLoss() - runs.get(s).get(0).evalLoss();
    }
    double mean = (d[0] + d[1] + d[2]) / 3;
    double sd =
        Math.sqrt(
            ((d[0] - mean) * (d[0] - mean)
                    + (d[1] - mean) * (d[1] - mean)
                    + (d[2] - mean) * (d[2] - mean))
                / 2);
    double t = 4.302652729911275; // t(0.975, 2)
    Estimate e = c.differences().get(0).evalLoss();
    assertEquals(mean, e.value(), 1e-12);
    assertEquals(mean - t * sd / Math.sqrt(3), e.low(), 1e-9);
    assertEquals(mean + t * sd / Math.sqrt(3), e.high(), 1e-9);
    assertArrayEquals(d, e.perSeed(), 1e-12);
    double[] g = runs.stream().mapToDouble(r -> r.get(1).varianceGrowth()).toArray();
    assertArrayEquals(g, c.models().get(1).varianceGrowth().perSeed(), 1e-12);
    assertEquals(
        Arrays.stream(g).average().orElseThrow(),
        c.models().get(1).varianceGrowth().value(),
        1e-12);
    assertTrue(c.method().contains("3 seeds"));
  }

  @Test
  void refusesSeedsMissingAScheme() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SchemeComparison.of(List.of("a", "b"), List.of(List.of(fake(1, 2, 0)))));
    assertTrue(e.getMessage().contains("one measurement per scheme"), e.getMessage());
  }
}
