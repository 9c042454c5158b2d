package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** numpy's argmax, the rule behind lm-eval's acc and acc_norm: the first maximum wins a tie. */
class McScoringTest {
  @Test
  void aTieGoesToTheFirstChoice() {
    assertEquals(1, McScoring.argmax(new double[] {-3, -1, -1, -2}));
    assertEquals(0, McScoring.argmax(new double[] {-1, -1}));
  }

  @Test
  void aNanIsTheMaximumAsInNumpy() {
    assertEquals(2, McScoring.argmax(new double[] {-3, -1, Double.NaN, 0}));
  }

  @Test
  void theLastOfSeveralDistinctValuesCanWin() {
    assertArrayEquals(new int[] {3}, new int[] {McScoring.argmax(new double[] {-4, -3, -2, -1})});
  }
}
