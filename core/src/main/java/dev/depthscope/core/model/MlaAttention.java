package dev.depthscope.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import dev.depthscope.core.config.MlaConfig;
import dev.depthscope.core.config.ModelConfig;

/**
 * DeepSeek's multi-head latent attention, as {@code DeepseekV3Attention.forward} (and V2) compute
 * it without a cache:
 *
 * <pre>
 *   q            = q_proj(x)  or  q_b_proj(q_a_layernorm(q_a_proj(x)))     per head [nope | rope]
 *   [latent, kr] = kv_a_proj_with_mqa(x)                  kr: one RoPE key shared by all heads
 *   [k_nope, v]  = kv_b_proj(kv_a_layernorm(latent))                                   per head
 *   k            = [k_nope | rope(kr)],  q = [q_nope | rope(q_rope)]
 *   out          = o_proj(softmax(q k^T * softmax_scale + mask) v)
 * </pre>
 *
 * The two latent RMSNorms use transformers' default epsilon 1e-6, not {@code rms_norm_eps} ({@code
 * DeepseekV3RMSNorm(q_lora_rank)} is built without an eps). With {@code rope_interleave}, RoPE
 * rotates adjacent pairs and writes the rotated pairs' first and second elements as two halves
 * ({@code apply_rotary_pos_emb_interleave}); DeepSeek-V2's complex-number RoPE keeps the pairs in
 * place instead, which permutes q and k identically and so gives the same scores.
 */
final class MlaAttention {
  /** Epsilon of {@code q_a_layernorm} and {@code kv_a_layernorm}. */
  private static final float LATENT_NORM_EPS = 1e-6f;

  private MlaAttention() {}

  static NDArray forward(ModelConfig c, int layer, BlockWeights w, NDArray x, AttentionInputs att) {
    MlaConfig m = c.mla();
    MlaWeights a = w.mla();
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    long h = c.numHeads();
    int nope = m.qkNopeHeadDim();
    int rope = m.qkRopeHeadDim();
    int rank = m.kvLoraRank();

    NDArray q =
        m.lowRankQuery()
            ? DecoderBlock.linear(
                DecoderBlock.rmsNorm(
                    DecoderBlock.linear(x, a.qA(), a.qABias()), a.qANorm(), LATENT_NORM_EPS),
                a.qB(),
                null)
            : DecoderBlock.linear(x, a.qProj(), null);
    q = q.reshape(b, t, h, m.qkHeadDim()).transpose(0, 2, 1, 3);
    NDArray qNope = q.get(new NDIndex("..., :{}", nope));
    NDArray qRot = rotate(q.get(new NDIndex("..., {}:", nope)), att, m.ropeInterleave());

    NDArray compressed = DecoderBlock.linear(x, a.kvA(), a.kvABias());
    NDArray latent =
        DecoderBlock.rmsNorm(
            compressed.get(new NDIndex("..., :{}", rank)), a.kvANorm(), LATENT_NORM_EPS);
    NDArray kRot =
        rotate(
            compressed.get(new NDIndex("..., {}:", rank)).reshape(b, 1, t, rope),
            att,
            m.ropeInterleave());
    NDArray kv =
        DecoderBlock.linear(latent, a.kvB(), null)
            .reshape(b, t, h, nope + m.vHeadDim())
            .transpose(0, 2, 1, 3);
    NDArray k =
        NDArrays.concat(
            new NDList(kv.get(new NDIndex("..., :{}", nope)), kRot.broadcast(b, h, t, rope)), -1);
    NDArray v = kv.get(new NDIndex("..., {}:", nope));
    q = NDArrays.concat(new NDList(qNope, qRot), -1);

    NDArray scores =
        DecoderBlock.scale(q.matMul(k.transpose(0, 1, 3, 2)), (float) m.softmaxScale())
            .add(att.maskFor(c.slidingWindow(layer)));
    NDArray out =
        scores.softmax(-1).matMul(v).transpose(0, 2, 1, 3).reshape(b, t, h * m.vHeadDim());
    return DecoderBlock.linear(out, w.o(), w.oBias());
  }

  /** RoPE on {@code [B, H, T, rope]}: rotate-half, or interleaved pairs. */
  private static NDArray rotate(NDArray x, AttentionInputs att, boolean interleave) {
    if (!interleave) {
      return DecoderBlock.applyRope(x, att);
    }
    long half = x.getShape().get(3) / 2;
    // cos/sin are cat(freqs, freqs); the first half holds one angle per pair.
    NDArray cos = att.cos().get(new NDIndex("..., :{}", half));
    NDArray sin = att.sin().get(new NDIndex("..., :{}", half));
    NDArray x1 = x.get(new NDIndex("..., 0::2"));
    NDArray x2 = x.get(new NDIndex("..., 1::2"));
    return NDArrays.concat(
        new NDList(x1.mul(cos).sub(x2.mul(sin)), x2.mul(cos).add(x1.mul(sin))), -1);
  }
}
