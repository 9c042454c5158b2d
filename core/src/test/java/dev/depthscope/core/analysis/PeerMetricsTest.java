package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * PeerMetrics on hand-made states whose cosines are known: last-position angular distance, summed
 * influence, and the post-norm variants that see h_L only through the final norm.
 */
class PeerMetricsTest {
  private static final double EPS = 1e-12;

  /** Two rows of two positions, width 2, every position given as (x, y). */
  private static float[] state(float[]... positions) {
    float[] h = new float[positions.length * 2];
    for (int p = 0; p < positions.length; p++) {
      h[2 * p] = positions[p][0];
      h[2 * p + 1] = positions[p][1];
    }
    return h;
  }

  @Test
  void lastPositionSumsAndPostNormFollowTheirDefinitions() {
    // The "final norm" keeps only the second coordinate, so it changes directions.
    PeerMetrics pm =
        new PeerMetrics(
            2,
            2,
            new int[] {2},
            new int[] {2},
            h -> {
              float[] out = h.clone();
              for (int i = 0; i < out.length; i += 2) {
                out[i] = 0;
              }
              return out;
            });
    float[] e1 = {1, 0};
    float[] e2 = {0, 1};
    pm.observe(0, 0, state(e1, e1, e1, e1));
    pm.observe(0, 1, state(e2, e2, e2, e2));
    // Row r: position 0 along e2 (cos 1 with h_1), last position at 45 degrees.
    float[] diag = {1, 1};
    pm.observe(0, 2, state(new float[] {0, 2}, diag, new float[] {0, 2}, diag));
    PeerMetrics.Values v = pm.values();
    assertEquals(4, v.positions());
    assertEquals(2, v.sequences());
    assertArrayEquals(new double[] {0.5, 0.25}, v.angularDistanceLastToken(), EPS);
    assertArrayEquals(new double[] {4, 2 * (1 - Math.sqrt(0.5))}, v.blockInfluenceSum(), EPS);
    // After the norm the last state is along e2 everywhere: block 1 leaves h_1's direction alone.
    assertArrayEquals(new double[] {0.5, 0}, v.angularDistanceLastTokenPostNorm(), EPS);
    assertArrayEquals(new double[] {4, 0}, v.blockInfluenceSumPostNorm(), EPS);
    assertArrayEquals(new double[] {1, 0}, v.blockInfluencePostNorm(), EPS);
    // h_0 (e1) to norm(h_L) (e2) is a right angle; h_1 to norm(h_L) is none.
    assertArrayEquals(new double[] {0.5, 0}, v.lastTokenAngularToOutputPostNorm(), EPS);
  }

  @Test
  void aStateOfTheWrongSizeIsRefused() {
    PeerMetrics pm = new PeerMetrics(1, 2, new int[] {1}, new int[] {2}, h -> h);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> pm.observe(0, 0, new float[3]));
    assertEquals("hidden state has 3 values, expected 4", e.getMessage());
    assertThrows(IllegalStateException.class, pm::values, "nothing observed yet");
  }
}
