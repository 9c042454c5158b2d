package dev.depthscope.core.config;

import java.util.Locale;

/**
 * Where the two RMSNorms of each decoder block sit, read from the depthscope-specific {@code
 * config.json} field {@code depthscope_norm_scheme} (absent = {@link #PRE}, i.e. every standard
 * Hugging Face checkpoint). Models trained by depthscope with Post-LN or Mix-LN cannot be expressed
 * as plain Llama checkpoints, so their config carries this field; only depthscope's loader honours
 * it.
 *
 * <ul>
 *   <li>{@link #PRE}: {@code h = h + attn(norm1(h)); h = h + mlp(norm2(h))} (Llama).
 *   <li>{@link #POST}: {@code h = norm1(h + attn(h)); h = norm2(h + mlp(h))}, with norm1 = {@code
 *       input_layernorm} and norm2 = {@code post_attention_layernorm}; the final norm is kept.
 *   <li>{@link #MIX}: Mix-LN, the first {@code floor(L / 4)} blocks Post-LN, the rest Pre-LN.
 * </ul>
 *
 * LayerNorm Scaling needs no entry here: its constant scale is folded into the norm weights, so an
 * LNS model is a plain Pre-LN checkpoint.
 */
public enum NormScheme {
  PRE,
  POST,
  MIX;

  /** The config.json field that names the scheme. */
  public static final String CONFIG_FIELD = "depthscope_norm_scheme";

  /** Whether block {@code layer} of a model with {@code numLayers} blocks is Post-LN. */
  public boolean postNorm(int layer, int numLayers) {
    return switch (this) {
      case PRE -> false;
      case POST -> true;
      case MIX -> layer < numLayers / 4;
    };
  }

  /** The value written to {@code config.json} ({@code "pre"}, {@code "post"}, {@code "mix"}). */
  public String configValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a config value; null (absent) means {@link #PRE}. */
  public static NormScheme parse(String value, String where) {
    if (value == null) {
      return PRE;
    }
    for (NormScheme s : values()) {
      if (s.configValue().equals(value)) {
        return s;
      }
    }
    throw new ConfigException(
        where + ": field \"" + CONFIG_FIELD + "\" is \"" + value + "\"; expected pre, post or mix");
  }
}
