package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Bootstrap intervals exist from two units on; below that they are null and the method says why.
 */
class AuditIntervalsTest {

  @Test
  void oneSequenceGivesNoIntervalAndTheMethodSaysWhy() {
    AuditResult.Uncertainty u =
        AuditIntervals.of(
            new double[] {10}, new double[][] {{12}, {11}}, new double[] {5}, null, null);
    assertNull(u.pruningDeltaNll());
    assertNull(u.mcAccuracyDelta());
    assertTrue(
        u.method().contains("no interval for pruning_delta_nll: needs at least 2 sequences (1"),
        u.method());
    assertNull(AuditIntervals.description(1, 0), "nothing to resample, no phase");
  }

  @Test
  void aJointRemovalOnOneSequenceHasNoIntervalRatherThanAZeroWidthOne() {
    assertNull(AuditIntervals.interval(new double[] {10}, new double[] {14}, new double[] {5}));
    double[] two =
        AuditIntervals.interval(new double[] {10, 20}, new double[] {14, 21}, new double[] {5, 5});
    assertNotNull(two);
    assertTrue(two[0] < two[1], two[0] + ".." + two[1]);
  }

  @Test
  void twoSequencesGiveOrderedIntervalsAroundTheEstimate() {
    double[] base = {10, 20, 15};
    double[][] pruned = {{12, 23, 16}, {10, 21, 14}};
    double[] tokens = {5, 5, 5};
    AuditResult.Uncertainty u = AuditIntervals.of(base, pruned, tokens, null, null);
    assertNotNull(u.pruningDeltaNll());
    assertEquals(2, u.pruningDeltaNll().size());
    for (int l = 0; l < 2; l++) {
      double estimate = 0;
      for (int i = 0; i < 3; i++) {
        estimate += pruned[l][i] - base[i];
      }
      estimate /= 15;
      double[] ci = u.pruningDeltaNll().get(l);
      assertTrue(ci[0] <= estimate && estimate <= ci[1], l + ": " + ci[0] + ".." + ci[1]);
      assertTrue(ci[0] < ci[1], "two different sequences give a non-zero width at " + l);
    }
    assertTrue(!u.method().contains("no interval"), u.method());
  }

  @Test
  void oneQuestionGivesNoMultipleChoiceIntervalButTheNllKeepsItsOwn() {
    AuditResult.Uncertainty u =
        AuditIntervals.of(
            new double[] {10, 20},
            new double[][] {{12, 23}},
            new double[] {5, 5},
            new double[] {1},
            new double[][] {{0}});
    assertNotNull(u.pruningDeltaNll());
    assertNull(u.mcAccuracyDelta());
    assertTrue(u.method().contains("mc_accuracy_delta: needs at least 2 questions (1"), u.method());
    assertEquals(
        "bootstrap intervals (" + Bootstrap.RESAMPLES + " resamples over 2 sequences)",
        AuditIntervals.description(2, 1));
  }
}
