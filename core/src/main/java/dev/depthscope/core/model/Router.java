package dev.depthscope.core.model;

import dev.depthscope.core.config.MoeConfig;

/**
 * Picks each token's experts from its router logits, as the transformers routers do ({@code
 * MixtralTopKRouter}, {@code Qwen3MoeTopKRouter}, {@code DeepseekV2TopkRouter}, {@code
 * DeepseekV3TopkRouter}). Plain float32 Java over the {@code [N, E]} logits: routing is cheap next
 * to the expert matmuls, and this keeps the rule readable and testable with hand-made scores. Ties
 * go to the lower expert index.
 */
final class Router {
  private final MoeConfig.Router rule;
  private final int numExperts;
  private final int topK;

  Router(MoeConfig.Router rule, int numExperts, int topK) {
    this.rule = rule;
    this.numExperts = numExperts;
    this.topK = topK;
  }

  /**
   * The chosen experts of {@code tokens} tokens and their weights, row-major {@code [N, topK]}.
   *
   * @param experts expert index per (token, slot)
   * @param weights the weight that expert's output gets
   */
  record Routing(int tokens, int topK, int[] experts, float[] weights) {
    /** How many tokens each of {@code numExperts} experts received. */
    long[] load(int numExperts) {
      long[] n = new long[numExperts];
      for (int e : experts) {
        n[e]++;
      }
      return n;
    }
  }

  /**
   * Routes {@code tokens} tokens.
   *
   * @param logits router logits {@code [N, E]} row-major ({@code x W_gate^T} in float32)
   * @param correctionBias {@code e_score_correction_bias} {@code [E]}, or null
   */
  Routing route(float[] logits, int tokens, float[] correctionBias) {
    int[] experts = new int[tokens * topK];
    float[] weights = new float[tokens * topK];
    float[] scores = new float[numExperts];
    float[] choice = new float[numExperts];
    for (int t = 0; t < tokens; t++) {
      score(logits, t * numExperts, scores);
      for (int e = 0; e < numExperts; e++) {
        choice[e] = correctionBias == null ? scores[e] : scores[e] + correctionBias[e];
      }
      limitToBestGroups(choice);
      int[] picked = topK(choice, topK);
      float sum = 0;
      for (int k = 0; k < topK; k++) {
        // V2 group-limited weights come from the masked scores (0 outside the chosen groups).
        float w =
            rule.groupScore() == MoeConfig.GroupScore.MAX ? choice[picked[k]] : scores[picked[k]];
        weights[t * topK + k] = w;
        experts[t * topK + k] = picked[k];
        sum += w;
      }
      if (rule.normalize()) {
        // DeepseekV3TopkRouter adds 1e-20 to the denominator; the softmax routers do not.
        float denominator = rule.scoring() == MoeConfig.Scoring.SIGMOID ? sum + 1e-20f : sum;
        for (int k = 0; k < topK; k++) {
          weights[t * topK + k] /= denominator;
        }
      }
      if (rule.scalingFactor() != 1.0) {
        for (int k = 0; k < topK; k++) {
          weights[t * topK + k] *= (float) rule.scalingFactor();
        }
      }
    }
    return new Routing(tokens, topK, experts, weights);
  }

  /** Softmax over the row, or an element-wise sigmoid. */
  private void score(float[] logits, int offset, float[] out) {
    if (rule.scoring() == MoeConfig.Scoring.SIGMOID) {
      for (int e = 0; e < numExperts; e++) {
        out[e] = (float) (1.0 / (1.0 + Math.exp(-logits[offset + e])));
      }
      return;
    }
    float max = Float.NEGATIVE_INFINITY;
    for (int e = 0; e < numExperts; e++) {
      max = Math.max(max, logits[offset + e]);
    }
    double sum = 0;
    for (int e = 0; e < numExperts; e++) {
      out[e] = (float) Math.exp(logits[offset + e] - max);
      sum += out[e];
    }
    for (int e = 0; e < numExperts; e++) {
      out[e] = (float) (out[e] / sum);
    }
  }

  /**
   * Keeps only the experts of the {@code topk_group} best groups: the others become 0 (V2, {@code
   * masked_fill(..., 0.0)}) or {@code -inf} (V3).
   */
  private void limitToBestGroups(float[] choice) {
    if (rule.groupScore() == MoeConfig.GroupScore.NONE) {
      return;
    }
    int groups = rule.groups();
    int size = numExperts / groups;
    float[] groupScores = new float[groups];
    for (int g = 0; g < groups; g++) {
      float[] members = new float[size];
      System.arraycopy(choice, g * size, members, 0, size);
      if (rule.groupScore() == MoeConfig.GroupScore.MAX) {
        groupScores[g] = members[topK(members, 1)[0]];
      } else {
        int[] best = topK(members, 2);
        groupScores[g] = members[best[0]] + members[best[1]];
      }
    }
    boolean[] kept = new boolean[groups];
    for (int g : topK(groupScores, rule.topKGroups())) {
      kept[g] = true;
    }
    float masked = rule.groupScore() == MoeConfig.GroupScore.MAX ? 0f : Float.NEGATIVE_INFINITY;
    for (int e = 0; e < numExperts; e++) {
      if (!kept[e / size]) {
        choice[e] = masked;
      }
    }
  }

  /** Indices of the {@code k} largest values, largest first; ties to the lower index. */
  static int[] topK(float[] values, int k) {
    int[] out = new int[k];
    boolean[] taken = new boolean[values.length];
    for (int i = 0; i < k; i++) {
      int best = -1;
      for (int e = 0; e < values.length; e++) {
        if (!taken[e] && (best < 0 || values[e] > values[best])) {
          best = e;
        }
      }
      taken[best] = true;
      out[i] = best;
    }
    return out;
  }
}
