package dev.depthscope.core.config;

import java.util.List;

/**
 * The mixture-of-experts part of an architecture: which layers route each token to {@code topK} of
 * {@code numExperts} SwiGLU experts, how the router scores and picks them, the optional always-on
 * shared expert, and how the expert tensors are named in the checkpoint. A dense family has no
 * MoeConfig ({@link ModelConfig#moe()} is null).
 *
 * @param numExperts routed experts per MoE layer ({@code num_local_experts}, {@code num_experts} or
 *     {@code n_routed_experts})
 * @param topK experts each token is routed to ({@code num_experts_per_tok})
 * @param expertIntermediateSize width of one routed expert ({@code moe_intermediate_size}; Mixtral
 *     uses {@code intermediate_size})
 * @param sharedIntermediateSize width of the shared expert ({@code moe_intermediate_size *
 *     n_shared_experts}), 0 when there is none
 * @param moeLayers the layers (0-based, ascending) whose MLP is a MoE; the others use the dense MLP
 *     of width {@link ModelConfig#intermediateSize()}
 * @param router how experts are scored and chosen
 * @param names where the MoE tensors live in the checkpoint
 */
public record MoeConfig(
    int numExperts,
    int topK,
    int expertIntermediateSize,
    int sharedIntermediateSize,
    List<Integer> moeLayers,
    Router router,
    TensorNames names) {

  public MoeConfig {
    moeLayers = List.copyOf(moeLayers);
  }

  /** Whether {@code layer}'s MLP is a mixture of experts. */
  public boolean isMoe(int layer) {
    return moeLayers.contains(layer);
  }

  /** How a router turns logits into scores. */
  public enum Scoring {
    /** {@code softmax(logits)} over all experts (Mixtral, Qwen3-MoE, DeepSeek-V2). */
    SOFTMAX,
    /** {@code sigmoid(logits)} per expert (DeepSeek-V3). */
    SIGMOID
  }

  /** How a router ranks expert groups before picking experts in the best groups. */
  public enum GroupScore {
    /** No groups: plain top-k over all experts. */
    NONE,
    /**
     * DeepSeek-V2 {@code group_limited_greedy}: a group scores its best expert; experts of the
     * other groups get score 0.
     */
    MAX,
    /**
     * DeepSeek-V3: a group scores the sum of its two best bias-corrected scores; experts of the
     * other groups are excluded ({@code -inf}).
     */
    TOP2_SUM
  }

  /**
   * A router's rule. Weights of the chosen experts are their scores (without the correction bias),
   * divided by their sum when {@code normalize}, then multiplied by {@code scalingFactor}.
   *
   * @param scoring softmax or sigmoid
   * @param normalize renormalise the chosen weights to sum to 1 ({@code norm_topk_prob}; always for
   *     Mixtral, never for DeepSeek-V2)
   * @param scalingFactor {@code routed_scaling_factor} (1 where the family has none)
   * @param groupScore how groups are ranked ({@link GroupScore#NONE} without groups)
   * @param groups {@code n_group} (1 without groups)
   * @param topKGroups {@code topk_group}: groups whose experts may be chosen (1 without groups)
   * @param correctionBias a per-expert {@code e_score_correction_bias} is added to the scores for
   *     choosing (not for weighting) experts (DeepSeek-V3)
   */
  public record Router(
      Scoring scoring,
      boolean normalize,
      double scalingFactor,
      GroupScore groupScore,
      int groups,
      int topKGroups,
      boolean correctionBias) {}

  /**
   * Checkpoint names, relative to {@code model.layers.N.}: {@code <module>.gate.weight} is the
   * router and {@code <module>.experts.E.<gate|up|down>.weight} are the expert projections; the
   * shared expert is {@code <module>.shared_experts.{gate,up,down}_proj.weight}.
   *
   * @param module {@code mlp} or, for Mixtral, {@code block_sparse_moe}
   * @param gate the expert's gate projection ({@code gate_proj}; Mixtral {@code w1})
   * @param up the expert's up projection ({@code up_proj}; Mixtral {@code w3})
   * @param down the expert's down projection ({@code down_proj}; Mixtral {@code w2})
   */
  public record TensorNames(String module, String gate, String up, String down) {}
}
