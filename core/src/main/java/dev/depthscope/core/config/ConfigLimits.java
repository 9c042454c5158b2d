package dev.depthscope.core.config;

/**
 * The documented ranges every size and count in {@code config.json} must fall in, checked before
 * anything is allocated from them. The bounds are generous: the largest open models (Llama 3.1
 * 405B: 126 layers, hidden 16384, vocabulary 128256; DeepSeek-V3: 61 layers, 256 experts;
 * Qwen3-235B-A22B: 94 layers, 128 experts; contexts up to 1M tokens) fit with a wide margin, while
 * a typo such as 2147483647 layers fails at once with the field and the range instead of an
 * out-of-memory error minutes later. README's "Config limits" paragraph lists the same numbers.
 */
final class ConfigLimits {
  /** {@code num_hidden_layers}, and every layer index or step derived from it. */
  static final int MAX_LAYERS = 1024;

  /** {@code hidden_size}. */
  static final int MAX_HIDDEN = 65536;

  /** {@code intermediate_size}, {@code moe_intermediate_size} and the shared expert's width. */
  static final int MAX_INTERMEDIATE = 1 << 20;

  /** {@code num_attention_heads} and {@code num_key_value_heads}. */
  static final int MAX_HEADS = 1024;

  /** {@code head_dim} and the MLA per-head widths. */
  static final int MAX_HEAD_DIM = 1024;

  /** {@code vocab_size} (4M tokens). */
  static final int MAX_VOCAB = 1 << 22;

  /** Routed experts per MoE layer. */
  static final int MAX_EXPERTS = 4096;

  /** {@code n_shared_experts}. */
  static final int MAX_SHARED_EXPERTS = 64;

  /** {@code max_position_embeddings}, RoPE original lengths and sliding windows (16M). */
  static final int MAX_POSITIONS = 1 << 24;

  /** The MLA ranks {@code q_lora_rank} and {@code kv_lora_rank}. */
  static final int MAX_LORA_RANK = 65536;

  /**
   * Total parameters the architecture implies (about 4.5 quadrillion): far above any model, and low
   * enough that float32 byte counts of the weights fit in a {@code long}.
   */
  static final long MAX_PARAMETERS = 1L << 52;

  private ConfigLimits() {}

  /** {@code value} of {@code field}, checked to lie in {@code [min, max]}. */
  static int range(ConfigJson c, String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw outOfRange(c, field, Long.toString(value), min + ".." + max);
    }
    return value;
  }

  /** The required integer {@code field}, checked to lie in {@code [min, max]}. */
  static int require(ConfigJson c, String field, int min, int max) {
    return range(c, field, c.requireInt(field), min, max);
  }

  /** The integer {@code field} (or {@code fallback} when absent), checked to lie in the range. */
  static int intOr(ConfigJson c, String field, int fallback, int min, int max) {
    return range(c, field, c.intOr(field, fallback), min, max);
  }

  /** A finite number strictly greater than 0. */
  static double positive(ConfigJson c, String field, double value) {
    if (!(value > 0) || Double.isInfinite(value)) {
      throw outOfRange(c, field, Double.toString(value), "a finite number > 0");
    }
    return value;
  }

  /** A finite number (any sign). */
  static double finite(ConfigJson c, String field, double value) {
    if (!Double.isFinite(value)) {
      throw outOfRange(c, field, Double.toString(value), "a finite number");
    }
    return value;
  }

  /** A number in the open interval (lo, hi). */
  static double open(ConfigJson c, String field, double value, double lo, double hi) {
    if (!(value > lo && value < hi)) {
      throw outOfRange(c, field, Double.toString(value), "a number in (" + lo + ", " + hi + ")");
    }
    return value;
  }

  /** A number in the half-open interval (lo, hi]. */
  static double upTo(ConfigJson c, String field, double value, double lo, double hi) {
    if (!(value > lo && value <= hi)) {
      throw outOfRange(c, field, Double.toString(value), "a number in (" + lo + ", " + hi + "]");
    }
    return value;
  }

  /** The one-line error for a value outside its range. */
  static ConfigException outOfRange(ConfigJson c, String field, String value, String expected) {
    return new ConfigException(
        c.file() + ": field \"" + c.prefix() + field + "\" is " + value + "; expected " + expected);
  }
}
