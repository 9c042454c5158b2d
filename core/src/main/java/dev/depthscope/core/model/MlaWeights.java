package dev.depthscope.core.model;

import ai.djl.ndarray.NDArray;

/**
 * The float32 weights of one block's latent attention (MLA), named as in DeepSeek checkpoints under
 * {@code model.layers.N.self_attn.}. The output projection is {@link BlockWeights#o()}. Either
 * {@code qProj} (full-rank query) or the low-rank trio {@code qA}, {@code qANorm}, {@code qB} is
 * present; absent tensors are null.
 *
 * @param qProj {@code q_proj} {@code [H * qk_head_dim, D]}
 * @param qA {@code q_a_proj} {@code [q_lora_rank, D]}
 * @param qABias its bias (with {@code attention_bias})
 * @param qANorm {@code q_a_layernorm} {@code [q_lora_rank]}
 * @param qB {@code q_b_proj} {@code [H * qk_head_dim, q_lora_rank]}
 * @param kvA {@code kv_a_proj_with_mqa} {@code [kv_lora_rank + qk_rope_head_dim, D]}
 * @param kvABias its bias (with {@code attention_bias})
 * @param kvANorm {@code kv_a_layernorm} {@code [kv_lora_rank]}
 * @param kvB {@code kv_b_proj} {@code [H * (qk_nope_head_dim + v_head_dim), kv_lora_rank]}
 */
public record MlaWeights(
    NDArray qProj,
    NDArray qA,
    NDArray qABias,
    NDArray qANorm,
    NDArray qB,
    NDArray kvA,
    NDArray kvABias,
    NDArray kvANorm,
    NDArray kvB) {}
