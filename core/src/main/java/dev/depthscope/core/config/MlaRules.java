package dev.depthscope.core.config;

/**
 * Config rules of DeepSeek's latent attention, shared by {@link ModelFamily#DEEPSEEK_V2} and {@link
 * ModelFamily#DEEPSEEK_V3}. The MLA widths are required: transformers' defaults are the full
 * DeepSeek sizes, which a config that omits them almost never means.
 */
final class MlaRules {
  private MlaRules() {}

  /** The RoPE head dimension: transformers sets {@code head_dim = qk_rope_head_dim}. */
  static int ropeHeadDim(ConfigJson c) {
    int dim = ConfigLimits.require(c, "qk_rope_head_dim", 2, ConfigLimits.MAX_HEAD_DIM);
    if (dim % 2 != 0) {
      throw ConfigLimits.outOfRange(
          c,
          "qk_rope_head_dim",
          Integer.toString(dim),
          "an even number in 2.." + ConfigLimits.MAX_HEAD_DIM + " (RoPE pairs)");
    }
    return dim;
  }

  static MlaConfig parse(ConfigJson c, RopeConfig rope, boolean interleave) {
    if (!c.root().has("q_lora_rank")) {
      throw new ConfigException(
          c.file()
              + ": required field \"q_lora_rank\" is missing (null for a full-rank q_proj, or the"
              + " rank of q_a_proj)");
    }
    int qRank = c.intOr("q_lora_rank", 0);
    if (c.has("q_lora_rank") && (qRank <= 0 || qRank > ConfigLimits.MAX_LORA_RANK)) {
      throw ConfigLimits.outOfRange(
          c, "q_lora_rank", Integer.toString(qRank), "null or 1.." + ConfigLimits.MAX_LORA_RANK);
    }
    int kvRank = ConfigLimits.require(c, "kv_lora_rank", 1, ConfigLimits.MAX_LORA_RANK);
    int nope = ConfigLimits.require(c, "qk_nope_head_dim", 0, ConfigLimits.MAX_HEAD_DIM);
    int ropeDim = ropeHeadDim(c);
    int v = ConfigLimits.require(c, "v_head_dim", 1, ConfigLimits.MAX_HEAD_DIM);
    if (c.has("qk_head_dim") && c.intOr("qk_head_dim", 0) != nope + ropeDim) {
      throw new ConfigException(
          c.file()
              + ": field \"qk_head_dim\" is "
              + c.intOr("qk_head_dim", 0)
              + "; expected qk_nope_head_dim + qk_rope_head_dim = "
              + (nope + ropeDim));
    }
    return new MlaConfig(
        qRank,
        kvRank,
        nope,
        ropeDim,
        v,
        interleave,
        c.boolOr("attention_bias", false),
        softmaxScale(nope + ropeDim, rope));
  }

  /**
   * {@code qk_head_dim^-0.5}, times {@code yarn_get_mscale(factor, mscale_all_dim)^2} when the RoPE
   * type is not {@code default} and {@code mscale_all_dim} is set (transformers' {@code
   * yarn_apply_mscale} in modeling_deepseek_v3.py).
   */
  static double softmaxScale(int qkHeadDim, RopeConfig rope) {
    double scale = Math.pow(qkHeadDim, -0.5);
    if (!rope.type().equals("default") && rope.mscaleAllDim() != 0) {
      double m =
          rope.factor() <= 1 ? 1.0 : 0.1 * rope.mscaleAllDim() * Math.log(rope.factor()) + 1.0;
      scale = scale * m * m;
    }
    return scale;
  }
}
