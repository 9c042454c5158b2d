package dev.depthscope.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dev.depthscope.core.config.ModelConfig;

/**
 * One pre-norm decoder block of the dense families, read top to bottom like transformers' {@code
 * LlamaDecoderLayer}:
 *
 * <pre>
 *   h = h + o_proj(attention(rope(q_norm?(q_proj(x))), rope(k_norm?(k_proj(x))), v_proj(x)))
 *         where x = input_layernorm(h)
 *   h = h + down_proj(silu(gate_proj(x)) * up_proj(x))  where x = post_attention_layernorm(h)
 * </pre>
 *
 * Attention is softmax(q k^T / sqrt(head_dim) + mask) v with grouped-query heads: query head i
 * reads key/value head {@code i / (heads / kv_heads)}, as {@code repeat_kv} does.
 *
 * <p>The MoE and MLA families share this block: only the attention ({@link MlaAttention}) and the
 * MLP ({@link MoeMlp}) differ, chosen from the weights the config implies.
 *
 * <p>Blocks that {@link ModelConfig#normScheme()} marks Post-LN instead compute {@code h =
 * input_layernorm(h + attention(h)); h = post_attention_layernorm(h + mlp(h))}. The helpers are
 * public so the trainer runs the very same forward under autograd.
 */
public final class DecoderBlock {
  private DecoderBlock() {}

  /** Runs the block on {@code h [B, T, D]}; the result lives in {@code h}'s manager. */
  public static NDArray forward(
      ModelConfig c, int layer, BlockWeights w, NDArray h, AttentionInputs att) {
    return forward(c, layer, w, h, att, null);
  }

  /**
   * Runs the block on {@code h [B, T, D]}; the result lives in {@code h}'s manager. Attention is
   * {@link MlaAttention} when the weights carry MLA tensors, the MLP is {@link MoeMlp} when they
   * carry experts; a MoE block adds its tokens-per-expert counts to {@code sink} (may be null).
   */
  public static NDArray forward(
      ModelConfig c, int layer, BlockWeights w, NDArray h, AttentionInputs att, ExpertLoad sink) {
    float eps = (float) c.rmsNormEps();
    if (c.normScheme().postNorm(layer, c.numLayers())) {
      // Post-LN (NormScheme): norm after each residual add, input_layernorm first.
      h = rmsNorm(h.add(attention(c, layer, w, h, att)), w.inputNorm(), eps);
      return rmsNorm(h.add(mlp(w, h)), w.postAttentionNorm(), eps);
    }
    NDArray x = rmsNorm(h, w.inputNorm(), eps);
    NDArray attn =
        w.mla() != null
            ? MlaAttention.forward(c, layer, w, x, att)
            : attention(c, layer, w, x, att);
    h = h.add(attn);
    x = rmsNorm(h, w.postAttentionNorm(), eps);
    return h.add(w.moe() != null ? MoeMlp.forward(c, layer, w.moe(), x, sink) : mlp(w, x));
  }

  /** RMSNorm over the last axis: {@code weight * x / sqrt(mean(x^2) + eps)}. */
  public static NDArray rmsNorm(NDArray x, NDArray weight, float eps) {
    NDArray variance = x.square().mean(new int[] {-1}, true);
    // 1 / sqrt(v + eps), as torch.rsqrt; autograd saves the numerator, so it must be owned.
    NDArray inverse = scalar(x, 1f).div(variance.add(eps).sqrt());
    return x.mul(inverse).mul(weight);
  }

  /**
   * {@code x * s}, differentiable. Use this, never DJL's {@code mul(Number)}, in anything that may
   * run under a gradient collector: see {@link #scalar}.
   */
  public static NDArray scale(NDArray x, float s) {
    return x.mul(scalar(x, s));
  }

  /**
   * A 0-d float32 tensor holding {@code v}, in {@code like}'s manager and in libtorch-owned memory.
   *
   * <p>Why not {@code x.mul(v)} or {@code create(v)}: DJL's {@code NDArray.mul/div(Number)} create
   * the scalar with {@code torch::from_blob} over a Java direct buffer and close it as soon as the
   * product is computed, yet autograd saves that very tensor for the backward pass ({@code
   * d(x*s)/dx = s}); when the GC later frees the buffer, backward reads freed memory and the
   * gradients turn into garbage or NaN while the loss is still fine. A clone's storage belongs to
   * libtorch and is reference-counted by the autograd graph, so it lives exactly as long as the
   * graph needs it.
   */
  public static NDArray scalar(NDArray like, float v) {
    try (NDArray blob = like.getManager().create(v)) {
      return blob.duplicate();
    }
  }

  /** {@code x W^T (+ b)}; {@code bias} may be null. */
  public static NDArray linear(NDArray x, NDArray weight, NDArray bias) {
    return bias == null
        ? Linear.linear(x, weight).singletonOrThrow()
        : Linear.linear(x, weight, bias).singletonOrThrow();
  }

  /** SwiGLU MLP: {@code down(silu(gate(x)) * up(x))}. */
  public static NDArray mlp(BlockWeights w, NDArray x) {
    NDArray gate = linear(x, w.gate(), w.gateBias());
    NDArray up = linear(x, w.up(), w.upBias());
    NDArray act = gate.mul(Activation.sigmoid(gate)).mul(up);
    return linear(act, w.down(), w.downBias());
  }

  /**
   * Causal (optionally sliding-window) grouped-query attention with RoPE, {@code o_proj} included.
   */
  public static NDArray attention(
      ModelConfig c, int layer, BlockWeights w, NDArray x, AttentionInputs att) {
    long b = x.getShape().get(0);
    long t = x.getShape().get(1);
    int heads = c.numHeads();
    int kvHeads = c.numKvHeads();
    int hd = c.headDim();
    float eps = (float) c.rmsNormEps();

    NDArray q = linear(x, w.q(), w.qBias()).reshape(b, t, heads, hd);
    NDArray k = linear(x, w.k(), w.kBias()).reshape(b, t, kvHeads, hd);
    NDArray v = linear(x, w.v(), w.vBias()).reshape(b, t, kvHeads, hd);
    if (w.qNorm() != null) {
      q = rmsNorm(q, w.qNorm(), eps);
      k = rmsNorm(k, w.kNorm(), eps);
    }
    q = applyRope(q.transpose(0, 2, 1, 3), att);
    // The 1/sqrt(head_dim) factor goes on k (before the heads are repeated) rather than on the
    // [B, H, T, T] scores: the same product, one pass over a tensor T/head_dim times smaller.
    k = scale(applyRope(k.transpose(0, 2, 1, 3), att), (float) (1.0 / Math.sqrt(hd)));
    v = v.transpose(0, 2, 1, 3);
    k = repeatKv(k, heads / kvHeads);
    v = repeatKv(v, heads / kvHeads);

    NDArray scores = q.matMul(k.transpose(0, 1, 3, 2)).add(att.maskFor(c.slidingWindow(layer)));
    NDArray probs = scores.softmax(-1);
    NDArray out = probs.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, (long) heads * hd);
    return linear(out, w.o(), w.oBias());
  }

  /** {@code x * cos + rotate_half(x) * sin} on {@code [B, H, T, hd]}. */
  public static NDArray applyRope(NDArray x, AttentionInputs att) {
    long hd = x.getShape().get(3);
    long half = hd / 2;
    NDArray x1 = x.get(new NDIndex("..., :{}", half));
    NDArray x2 = x.get(new NDIndex("..., {}:", half));
    NDArray rotated = NDArrays.concat(new NDList(x2.neg(), x1), -1);
    return x.mul(att.cos()).add(rotated.mul(att.sin()));
  }

  /** Expands {@code [B, KV, T, hd]} to {@code [B, KV * rep, T, hd]}, each KV head repeated. */
  public static NDArray repeatKv(NDArray x, int rep) {
    if (rep == 1) {
      return x;
    }
    long[] s = x.getShape().getShape();
    return x.expandDims(2)
        .broadcast(s[0], s[1], rep, s[2], s[3])
        .reshape(s[0], s[1] * rep, s[2], s[3]);
  }
}
