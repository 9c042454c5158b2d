package dev.depthscope.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.depthscope.core.config.MoeConfig;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The routers pick and weight experts as the transformers routers do, on hand-made logits. */
class RouterTest {
  private static final MoeConfig.Router V3 =
      new MoeConfig.Router(
          MoeConfig.Scoring.SIGMOID, true, 2.5, MoeConfig.GroupScore.TOP2_SUM, 2, 1, true);

  /** Logits whose sigmoid is {@code p}. */
  private static float[] logit(double... p) {
    float[] out = new float[p.length];
    for (int i = 0; i < p.length; i++) {
      out[i] = (float) Math.log(p[i] / (1 - p[i]));
    }
    return out;
  }

  private static int[] sorted(int[] a) {
    int[] c = a.clone();
    Arrays.sort(c);
    return c;
  }

  @Test
  void deepSeekV3PicksWithinTheBestGroupWherePlainTopKWouldNot() {
    // 8 experts in 2 groups of 4. Scores: group 0 = {0.9, 0.1, 0.1, 0.1} (top-2 sum 1.0),
    // group 1 = {0.6, 0.6, 0.5, 0.1} (top-2 sum 1.2). Plain top-2 picks experts 0 and 4;
    // group-limited (topk_group 1) keeps group 1 only and picks experts 4 and 5.
    float[] logits = logit(0.9, 0.1, 0.1, 0.1, 0.6, 0.6, 0.5, 0.1);
    Router plain =
        new Router(
            new MoeConfig.Router(
                MoeConfig.Scoring.SIGMOID, true, 2.5, MoeConfig.GroupScore.NONE, 1, 1, false),
            8,
            2);
    assertArrayEquals(new int[] {0, 4}, sorted(plain.route(logits, 1, null).experts()));

    Router.Routing r = new Router(V3, 8, 2).route(logits, 1, null);
    assertArrayEquals(new int[] {4, 5}, sorted(r.experts()));
    // Weights: the chosen scores, normalised to sum 1, times routed_scaling_factor 2.5.
    assertEquals(1.25f, r.weights()[0], 1e-6f);
    assertEquals(1.25f, r.weights()[1], 1e-6f);
  }

  @Test
  void deepSeekV3CorrectionBiasChangesTheChoiceButNotTheWeights() {
    // Without bias: group 1 wins (1.2 > 1.0) as above. A bias of +0.5 on expert 1 lifts group 0
    // to 0.9 + 0.6 = 1.5, so experts 0 and 1 are chosen; their weights use the raw scores
    // 0.9 and 0.1 (not the biased ones): 2.5 * 0.9 / 1.0 and 2.5 * 0.1 / 1.0.
    float[] logits = logit(0.9, 0.1, 0.1, 0.1, 0.6, 0.6, 0.5, 0.1);
    float[] bias = {0, 0.5f, 0, 0, 0, 0, 0, 0};
    Router.Routing r = new Router(V3, 8, 2).route(logits, 1, bias);
    assertArrayEquals(new int[] {0, 1}, r.experts());
    assertEquals(2.25f, r.weights()[0], 1e-5f);
    assertEquals(0.25f, r.weights()[1], 1e-5f);
  }

  @Test
  void deepSeekV2GroupLimitedGreedyRanksGroupsByTheirBestExpert() {
    // Softmax scores proportional to exp(logits). Group 0 = experts 0..1, group 1 = 2..3.
    // Best single expert is 0 (logit 3), so group 0 wins with topk_group 1, although experts 2
    // and 3 (logit 2.5 each) are the plain top-2 after expert 0.
    float[] logits = {3f, 0f, 2.5f, 2.5f};
    MoeConfig.Router v2 =
        new MoeConfig.Router(
            MoeConfig.Scoring.SOFTMAX, false, 1.0, MoeConfig.GroupScore.MAX, 2, 1, false);
    Router.Routing r = new Router(v2, 4, 2).route(logits, 1, null);
    assertArrayEquals(new int[] {0, 1}, r.experts());
    double z = Math.exp(3) + 1 + 2 * Math.exp(2.5);
    assertEquals(Math.exp(3) / z, r.weights()[0], 1e-6);
    assertEquals(1 / z, r.weights()[1], 1e-6);
  }

  @Test
  void softmaxTopKNormalisesOnlyWhenAsked() {
    float[] logits = {1f, 2f, 3f, 0f};
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3) + 1;
    MoeConfig.Router raw =
        new MoeConfig.Router(
            MoeConfig.Scoring.SOFTMAX, false, 16.0, MoeConfig.GroupScore.NONE, 1, 1, false);
    Router.Routing greedy = new Router(raw, 4, 2).route(logits, 1, null);
    assertArrayEquals(new int[] {2, 1}, greedy.experts());
    assertEquals(16 * Math.exp(3) / z, greedy.weights()[0], 1e-5);

    MoeConfig.Router norm =
        new MoeConfig.Router(
            MoeConfig.Scoring.SOFTMAX, true, 1.0, MoeConfig.GroupScore.NONE, 1, 1, false);
    Router.Routing mixtral = new Router(norm, 4, 2).route(logits, 1, null);
    assertEquals(Math.exp(3) / (Math.exp(3) + Math.exp(2)), mixtral.weights()[0], 1e-6);
    assertEquals(Math.exp(2) / (Math.exp(3) + Math.exp(2)), mixtral.weights()[1], 1e-6);
  }

  @Test
  void loadCountsEveryTokenOncePerChosenExpert() {
    float[] logits = {5f, 4f, 0f, /* token 1 */ 0f, 4f, 5f, /* token 2 */ 5f, 0f, 4f};
    MoeConfig.Router norm =
        new MoeConfig.Router(
            MoeConfig.Scoring.SOFTMAX, true, 1.0, MoeConfig.GroupScore.NONE, 1, 1, false);
    Router.Routing r = new Router(norm, 3, 2).route(logits, 3, null);
    assertArrayEquals(new int[] {0, 1, 2, 1, 0, 2}, r.experts());
    assertArrayEquals(new long[] {2, 2, 2}, r.load(3));
  }
}
