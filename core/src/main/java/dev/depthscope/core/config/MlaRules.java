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
    return positive(c, "qk_rope_head_dim");
  }

  static MlaConfig parse(ConfigJson c, RopeConfig rope, boolean interleave) {
    if (!c.root().has("q_lora_rank")) {
      throw new ConfigException(
          c.file()
              + ": required field \"q_lora_rank\" is missing (null for a full-rank q_proj, or the"
              + " rank of q_a_proj)");
    }
    int qRank = c.intOr("q_lora_rank", 0);
    if (c.has("q_lora_rank") && qRank <= 0) {
      throw new ConfigException(
          c.file() + ": field \"q_lora_rank\" must be null or positive, is " + qRank);
    }
    int kvRank = positive(c, "kv_lora_rank");
    int nope = c.requireInt("qk_nope_head_dim");
    if (nope < 0) {
      throw new ConfigException(
          c.file() + ": field \"qk_nope_head_dim\" must not be negative, is " + nope);
    }
    int ropeDim = positive(c, "qk_rope_head_dim");
    int v = positive(c, "v_head_dim");
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

  private static int positive(ConfigJson c, String field) {
    int v = c.requireInt(field);
    if (v <= 0) {
      throw new ConfigException(c.file() + ": field \"" + field + "\" must be positive, is " + v);
    }
    return v;
  }
}
