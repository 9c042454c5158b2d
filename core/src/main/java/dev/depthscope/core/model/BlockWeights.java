package dev.depthscope.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.config.ModelConfig;

/**
 * The float32 weights of one decoder block, named as in Hugging Face checkpoints ({@code
 * model.layers.N.*}). Absent optional tensors (biases, q/k norms) are null.
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
    NDArray downBias) {

  /** Prefix of block {@code layer}'s tensors. */
  public static String prefix(int layer) {
    return "model.layers." + layer + ".";
  }

  /**
   * The tensors block {@code layer} needs under {@code c}, with their shapes, in load order; absent
   * optional tensors (per the config) are not listed.
   */
  public static java.util.LinkedHashMap<String, long[]> spec(ModelConfig c, int layer) {
    String p = prefix(layer);
    long d = c.hiddenSize();
    long q = (long) c.numHeads() * c.headDim();
    long kv = (long) c.numKvHeads() * c.headDim();
    long ff = c.intermediateSize();
    String a = p + "self_attn.";
    String m = p + "mlp.";
    var s = new java.util.LinkedHashMap<String, long[]>();
    s.put(p + "input_layernorm.weight", new long[] {d});
    s.put(p + "post_attention_layernorm.weight", new long[] {d});
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
    s.put(m + "gate_proj.weight", new long[] {ff, d});
    s.put(m + "up_proj.weight", new long[] {ff, d});
    s.put(m + "down_proj.weight", new long[] {d, ff});
    if (c.mlpBias()) {
      s.put(m + "gate_proj.bias", new long[] {ff});
      s.put(m + "up_proj.bias", new long[] {ff});
      s.put(m + "down_proj.bias", new long[] {d});
    }
    return s;
  }

  /** Loads block {@code layer} into {@code manager}, checking every shape against the config. */
  public static BlockWeights load(WeightLoader w, ModelConfig c, int layer, NDManager manager) {
    var spec = spec(c, layer);
    java.util.function.Function<String, NDArray> get =
        suffix -> {
          String name = prefix(layer) + suffix;
          long[] shape = spec.get(name);
          return shape == null ? null : w.load(manager, name, shape);
        };
    return new BlockWeights(
        get.apply("input_layernorm.weight"),
        get.apply("post_attention_layernorm.weight"),
        get.apply("self_attn.q_proj.weight"),
        get.apply("self_attn.q_proj.bias"),
        get.apply("self_attn.k_proj.weight"),
        get.apply("self_attn.k_proj.bias"),
        get.apply("self_attn.v_proj.weight"),
        get.apply("self_attn.v_proj.bias"),
        get.apply("self_attn.o_proj.weight"),
        get.apply("self_attn.o_proj.bias"),
        get.apply("self_attn.q_norm.weight"),
        get.apply("self_attn.k_norm.weight"),
        get.apply("mlp.gate_proj.weight"),
        get.apply("mlp.gate_proj.bias"),
        get.apply("mlp.up_proj.weight"),
        get.apply("mlp.up_proj.bias"),
        get.apply("mlp.down_proj.weight"),
        get.apply("mlp.down_proj.bias"));
  }
}
