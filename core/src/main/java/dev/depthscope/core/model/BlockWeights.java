package dev.depthscope.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.config.MlaConfig;
import dev.depthscope.core.config.ModelConfig;
import dev.depthscope.core.config.MoeConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.Function;

/**
 * The float32 weights of one decoder block, named as in Hugging Face checkpoints ({@code
 * model.layers.N.*}). Absent optional tensors (biases, q/k norms) are null. A block with latent
 * attention has {@code mla} set and null q/k/v; a MoE block has {@code moe} set and null dense MLP
 * projections.
 */
public record BlockWeights(
    NDArray inputNorm,
    NDArray postAttentionNorm,
    NDArray q,
    NDArray qBias,
    NDArray k,
    NDArray kBias,
    NDArray v,
    NDArray vBias,
    NDArray o,
    NDArray oBias,
    NDArray qNorm,
    NDArray kNorm,
    NDArray gate,
    NDArray gateBias,
    NDArray up,
    NDArray upBias,
    NDArray down,
    NDArray downBias,
    MlaWeights mla,
    MoeWeights moe) {

  /** Prefix of block {@code layer}'s tensors. */
  public static String prefix(int layer) {
    return "model.layers." + layer + ".";
  }

  /**
   * The tensors block {@code layer} needs under {@code c}, with their shapes, in load order; absent
   * optional tensors (per the config) are not listed.
   */
  public static LinkedHashMap<String, long[]> spec(ModelConfig c, int layer) {
    String p = prefix(layer);
    long d = c.hiddenSize();
    var s = new LinkedHashMap<String, long[]>();
    s.put(p + "input_layernorm.weight", new long[] {d});
    s.put(p + "post_attention_layernorm.weight", new long[] {d});
    if (c.mla() != null) {
      mlaSpec(c, p + "self_attn.", s);
    } else {
      attentionSpec(c, p + "self_attn.", s);
    }
    if (c.isMoeLayer(layer)) {
      moeSpec(c, p + c.moe().names().module() + ".", s);
    } else {
      String m = p + "mlp.";
      long ff = c.intermediateSize();
      s.put(m + "gate_proj.weight", new long[] {ff, d});
      s.put(m + "up_proj.weight", new long[] {ff, d});
      s.put(m + "down_proj.weight", new long[] {d, ff});
      if (c.mlpBias()) {
        s.put(m + "gate_proj.bias", new long[] {ff});
        s.put(m + "up_proj.bias", new long[] {ff});
        s.put(m + "down_proj.bias", new long[] {d});
      }
    }
    return s;
  }

  private static void attentionSpec(ModelConfig c, String a, LinkedHashMap<String, long[]> s) {
    long d = c.hiddenSize();
    long q = (long) c.numHeads() * c.headDim();
    long kv = (long) c.numKvHeads() * c.headDim();
    s.put(a + "q_proj.weight", new long[] {q, d});
    s.put(a + "k_proj.weight", new long[] {kv, d});
    s.put(a + "v_proj.weight", new long[] {kv, d});
    s.put(a + "o_proj.weight", new long[] {d, q});
    if (c.qkvBias()) {
      s.put(a + "q_proj.bias", new long[] {q});
      s.put(a + "k_proj.bias", new long[] {kv});
      s.put(a + "v_proj.bias", new long[] {kv});
    }
    if (c.outputBias()) {
      s.put(a + "o_proj.bias", new long[] {d});
    }
    if (c.qkNorm()) {
      s.put(a + "q_norm.weight", new long[] {c.headDim()});
      s.put(a + "k_norm.weight", new long[] {c.headDim()});
    }
  }

  /** DeepSeek MLA tensors ({@code DeepseekV3Attention.__init__}). */
  private static void mlaSpec(ModelConfig c, String a, LinkedHashMap<String, long[]> s) {
    MlaConfig m = c.mla();
    long d = c.hiddenSize();
    long h = c.numHeads();
    long qOut = h * m.qkHeadDim();
    if (m.lowRankQuery()) {
      s.put(a + "q_a_proj.weight", new long[] {m.qLoraRank(), d});
      if (m.bias()) {
        s.put(a + "q_a_proj.bias", new long[] {m.qLoraRank()});
      }
      s.put(a + "q_a_layernorm.weight", new long[] {m.qLoraRank()});
      s.put(a + "q_b_proj.weight", new long[] {qOut, m.qLoraRank()});
    } else {
      s.put(a + "q_proj.weight", new long[] {qOut, d});
    }
    long kvA = (long) m.kvLoraRank() + m.qkRopeHeadDim();
    s.put(a + "kv_a_proj_with_mqa.weight", new long[] {kvA, d});
    if (m.bias()) {
      s.put(a + "kv_a_proj_with_mqa.bias", new long[] {kvA});
    }
    s.put(a + "kv_a_layernorm.weight", new long[] {m.kvLoraRank()});
    s.put(
        a + "kv_b_proj.weight",
        new long[] {h * (m.qkNopeHeadDim() + m.vHeadDim()), m.kvLoraRank()});
    s.put(a + "o_proj.weight", new long[] {d, h * m.vHeadDim()});
    if (c.outputBias()) {
      s.put(a + "o_proj.bias", new long[] {d});
    }
  }

  private static void moeSpec(ModelConfig c, String m, LinkedHashMap<String, long[]> s) {
    MoeConfig moe = c.moe();
    MoeConfig.TensorNames n = moe.names();
    long d = c.hiddenSize();
    long e = moe.numExperts();
    long ff = moe.expertIntermediateSize();
    s.put(m + "gate.weight", new long[] {e, d});
    if (moe.router().correctionBias()) {
      s.put(m + "gate.e_score_correction_bias", new long[] {e});
    }
    for (int i = 0; i < e; i++) {
      String x = m + "experts." + i + ".";
      s.put(x + n.gate() + ".weight", new long[] {ff, d});
      s.put(x + n.up() + ".weight", new long[] {ff, d});
      s.put(x + n.down() + ".weight", new long[] {d, ff});
    }
    long sh = moe.sharedIntermediateSize();
    if (sh > 0) {
      s.put(m + "shared_experts.gate_proj.weight", new long[] {sh, d});
      s.put(m + "shared_experts.up_proj.weight", new long[] {sh, d});
      s.put(m + "shared_experts.down_proj.weight", new long[] {d, sh});
    }
  }

  /** Loads block {@code layer} into {@code manager}, checking every shape against the config. */
  public static BlockWeights load(WeightLoader w, ModelConfig c, int layer, NDManager manager) {
    var spec = spec(c, layer);
    Function<String, NDArray> get =
        suffix -> {
          String name = prefix(layer) + suffix;
          long[] shape = spec.get(name);
          return shape == null ? null : w.load(manager, name, shape);
        };
    MlaWeights mla = null;
    if (c.mla() != null) {
      String a = "self_attn.";
      mla =
          new MlaWeights(
              get.apply(a + "q_proj.weight"),
              get.apply(a + "q_a_proj.weight"),
              get.apply(a + "q_a_proj.bias"),
              get.apply(a + "q_a_layernorm.weight"),
              get.apply(a + "q_b_proj.weight"),
              get.apply(a + "kv_a_proj_with_mqa.weight"),
              get.apply(a + "kv_a_proj_with_mqa.bias"),
              get.apply(a + "kv_a_layernorm.weight"),
              get.apply(a + "kv_b_proj.weight"));
    }
    MoeWeights moe = c.isMoeLayer(layer) ? loadMoe(c, get) : null;
    return new BlockWeights(
        get.apply("input_layernorm.weight"),
        get.apply("post_attention_layernorm.weight"),
        mla == null ? get.apply("self_attn.q_proj.weight") : null,
        get.apply("self_attn.q_proj.bias"),
        get.apply("self_attn.k_proj.weight"),
        get.apply("self_attn.k_proj.bias"),
        get.apply("self_attn.v_proj.weight"),
        get.apply("self_attn.v_proj.bias"),
        get.apply("self_attn.o_proj.weight"),
        get.apply("self_attn.o_proj.bias"),
        get.apply("self_attn.q_norm.weight"),
        get.apply("self_attn.k_norm.weight"),
        moe == null ? get.apply("mlp.gate_proj.weight") : null,
        moe == null ? get.apply("mlp.gate_proj.bias") : null,
        moe == null ? get.apply("mlp.up_proj.weight") : null,
        moe == null ? get.apply("mlp.up_proj.bias") : null,
        moe == null ? get.apply("mlp.down_proj.weight") : null,
        moe == null ? get.apply("mlp.down_proj.bias") : null,
        mla,
        moe);
  }

  private static MoeWeights loadMoe(ModelConfig c, Function<String, NDArray> get) {
    MoeConfig.TensorNames n = c.moe().names();
    String m = n.module() + ".";
    List<NDArray> gates = new ArrayList<>();
    List<NDArray> ups = new ArrayList<>();
    List<NDArray> downs = new ArrayList<>();
    for (int e = 0; e < c.moe().numExperts(); e++) {
      String x = m + "experts." + e + ".";
      gates.add(get.apply(x + n.gate() + ".weight"));
      ups.add(get.apply(x + n.up() + ".weight"));
      downs.add(get.apply(x + n.down() + ".weight"));
    }
    return new MoeWeights(
        get.apply(m + "gate.weight"),
        get.apply(m + "gate.e_score_correction_bias"),
        gates,
        ups,
        downs,
        get.apply(m + "shared_experts.gate_proj.weight"),
        get.apply(m + "shared_experts.up_proj.weight"),
        get.apply(m + "shared_experts.down_proj.weight"));
  }
}
