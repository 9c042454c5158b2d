package dev.depthscope.core.config;

/**
 * DeepSeek's multi-head latent attention (MLA): queries come from a full or low-rank projection,
 * keys and values from a compressed latent of width {@code kvLoraRank} plus one RoPE key shared by
 * all heads. Each query/key head is a non-rotating part ({@code qkNopeHeadDim}) followed by a
 * rotating part ({@code qkRopeHeadDim}); values have {@code vHeadDim}. A family without MLA has no
 * MlaConfig ({@link ModelConfig#mla()} is null).
 *
 * @param qLoraRank width of the low-rank query path {@code q_a_proj -> q_a_layernorm -> q_b_proj},
 *     or 0 when queries use a single {@code q_proj} ({@code q_lora_rank} null)
 * @param kvLoraRank width of the compressed key/value latent ({@code kv_lora_rank})
 * @param qkNopeHeadDim per-head query/key dimensions without RoPE
 * @param qkRopeHeadDim per-head query/key dimensions with RoPE (the RoPE table width)
 * @param vHeadDim per-head value dimension
 * @param ropeInterleave RoPE rotates adjacent pairs {@code (x0, x1), (x2, x3), ...} instead of the
 *     two halves (DeepSeek-V2 always; DeepSeek-V3 when {@code rope_interleave}, the default)
 * @param bias {@code attention_bias}: bias on {@code q_a_proj}, {@code kv_a_proj_with_mqa} and
 *     {@code o_proj}
 * @param softmaxScale the factor on {@code q k^T}: {@code qk_head_dim^-0.5}, times {@code
 *     yarn_get_mscale(factor, mscale_all_dim)^2} when RoPE is scaled and {@code mscale_all_dim} is
 *     set (transformers' {@code yarn_apply_mscale})
 */
public record MlaConfig(
    int qLoraRank,
    int kvLoraRank,
    int qkNopeHeadDim,
    int qkRopeHeadDim,
    int vHeadDim,
    boolean ropeInterleave,
    boolean bias,
    double softmaxScale) {

  /** Query/key head width: nope + rope. */
  public int qkHeadDim() {
    return qkNopeHeadDim + qkRopeHeadDim;
  }

  /** Whether queries go through the low-rank path. */
  public boolean lowRankQuery() {
    return qLoraRank > 0;
  }
}
