package dev.depthscope.trainer.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;

/**
 * The architecture of a randomly initialised Llama model ({@code --layers --hidden --heads
 * --kv-heads --intermediate --vocab}); the remaining config fields follow the parity-6L init (RoPE
 * theta 10000, RMSNorm eps 1e-5, untied head, no biases).
 *
 * @param layers decoder blocks L
 * @param hidden residual width D
 * @param heads query heads (must divide D)
 * @param kvHeads key/value heads (must divide {@code heads})
 * @param intermediate MLP width
 * @param vocab vocabulary size
 */
public record ModelShape(
    int layers, int hidden, int heads, int kvHeads, int intermediate, int vocab) {

  /** Validates the shape. */
  public ModelShape {
    if (layers <= 0 || hidden <= 0 || heads <= 0 || kvHeads <= 0 || intermediate <= 0) {
      throw new IllegalArgumentException("model dimensions must be positive");
    }
    if (hidden % heads != 0 || (hidden / heads) % 2 != 0) {
      throw new IllegalArgumentException(
          "--hidden " + hidden + " must be --heads " + heads + " times an even head size");
    }
    if (heads % kvHeads != 0) {
      throw new IllegalArgumentException("--kv-heads " + kvHeads + " must divide --heads " + heads);
    }
    if (vocab <= 2) {
      throw new IllegalArgumentException("--vocab must exceed 2, is " + vocab);
    }
  }

  /** The parity-6L architecture: 6 layers, d=64, 4 heads, 2 KV heads, MLP 176, vocab 4096. */
  public static ModelShape parity6L() {
    return new ModelShape(6, 64, 4, 2, 176, 4096);
  }

  /** A Hugging Face Llama {@code config.json} for this shape (float32, BOS 0, EOS 1, PAD 2). */
  public JsonObject configJson(int maxPositions) {
    JsonObject c = new JsonObject();
    JsonArray arch = new JsonArray();
    arch.add("LlamaForCausalLM");
    c.add("architectures", arch);
    c.addProperty("attention_bias", false);
    c.addProperty("attention_dropout", 0.0);
    c.addProperty("bos_token_id", 0);
    c.addProperty("dtype", "float32");
    c.addProperty("eos_token_id", 1);
    c.addProperty("head_dim", hidden / heads);
    c.addProperty("hidden_act", "silu");
    c.addProperty("hidden_size", hidden);
    c.addProperty("initializer_range", 0.02);
    c.addProperty("intermediate_size", intermediate);
    c.addProperty("max_position_embeddings", maxPositions);
    c.addProperty("mlp_bias", false);
    c.addProperty("model_type", "llama");
    c.addProperty("num_attention_heads", heads);
    c.addProperty("num_hidden_layers", layers);
    c.addProperty("num_key_value_heads", kvHeads);
    c.addProperty("pad_token_id", 2);
    c.addProperty("pretraining_tp", 1);
    c.addProperty("rms_norm_eps", 1e-5);
    JsonObject rope = new JsonObject();
    rope.addProperty("rope_theta", 10000.0);
    rope.addProperty("rope_type", "default");
    c.add("rope_parameters", rope);
    c.addProperty("tie_word_embeddings", false);
    c.addProperty("use_cache", true);
    c.addProperty("vocab_size", vocab);
    return c;
  }
}
