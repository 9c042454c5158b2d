package dev.depthscope.core.config;

/**
 * Reads {@link RopeConfig} from either config form, as transformers 5.x standardises them: a
 * non-empty legacy {@code rope_scaling} wins over {@code rope_parameters}; {@code rope_theta}
 * inside the dict wins over the top-level one, which defaults to 10000; the type comes from {@code
 * rope_type} or the legacy {@code type}; llama3 and yarn default {@code
 * original_max_position_embeddings} to {@code max_position_embeddings}.
 */
final class RopeParser {
  private RopeParser() {}

  static RopeConfig parse(ConfigJson c, int maxPositions) {
    ConfigJson p = c.object("rope_scaling");
    String where = "rope_scaling";
    if (p == null || p.root().size() == 0) { // transformers: `rope_scaling or rope_parameters`
      p = c.object("rope_parameters");
      where = "rope_parameters";
    }
    double topTheta = ConfigLimits.positive(c, "rope_theta", c.doubleOr("rope_theta", 10000.0));
    double topPartial =
        ConfigLimits.upTo(
            c, "partial_rotary_factor", c.doubleOr("partial_rotary_factor", 1.0), 0, 1);
    if (p == null) {
      RopeConfig plain = RopeConfig.plain(topTheta);
      return topPartial == 1.0 ? plain : withPartial(plain, topPartial);
    }
    String type = p.stringOr("rope_type", p.stringOr("type", "default"));
    if (!RopeConfig.SUPPORTED_TYPES.contains(type)) {
      throw new ConfigException(
          c.file()
              + ": field \""
              + where
              + ".rope_type\" is \""
              + type
              + "\"; supported RoPE types: "
              + String.join(", ", RopeConfig.SUPPORTED_TYPES));
    }
    double theta = ConfigLimits.positive(p, "rope_theta", p.doubleOr("rope_theta", topTheta));
    // Only llama3 and yarn use it (transformers fills it in for those alone); others keep plain()'s
    // 0 so that the same RoPE compares equal whether or not it was written as a dict.
    boolean usesOriginal = type.equals("llama3") || type.equals("yarn");
    int original =
        usesOriginal
            ? ConfigLimits.intOr(
                p, "original_max_position_embeddings", maxPositions, 1, ConfigLimits.MAX_POSITIONS)
            : 0;
    double factor =
        switch (type) {
          case "default" -> 1.0;
          case "yarn" -> p.doubleOr("factor", (double) maxPositions / original);
          default -> requireDouble(c, p, where, "factor");
        };
    ConfigLimits.positive(p, "factor", factor);
    if (type.equals("llama3")) {
      requireDouble(c, p, where, "low_freq_factor");
      requireDouble(c, p, where, "high_freq_factor");
    }
    double low = ConfigLimits.positive(p, "low_freq_factor", p.doubleOr("low_freq_factor", 1.0));
    double high = ConfigLimits.positive(p, "high_freq_factor", p.doubleOr("high_freq_factor", 4.0));
    if (type.equals("llama3") && !(high > low)) {
      // llama3's smoothing divides by (high_freq_factor - low_freq_factor).
      throw ConfigLimits.outOfRange(
          p, "high_freq_factor", Double.toString(high), "a number > low_freq_factor = " + low);
    }
    double attention =
        p.has("attention_factor")
            ? ConfigLimits.positive(p, "attention_factor", p.doubleOr("attention_factor", 1))
            : Double.NaN;
    double betaFast = p.doubleOr("beta_fast", 0);
    double betaSlow = p.doubleOr("beta_slow", 0);
    return new RopeConfig(
        type,
        theta,
        factor,
        original,
        low,
        high,
        attention,
        // transformers: `beta_fast or 32`, `beta_slow or 1` (so 0 means the default too)
        betaFast == 0 ? 32 : betaFast,
        betaSlow == 0 ? 1 : betaSlow,
        p.doubleOr("mscale", 0),
        p.doubleOr("mscale_all_dim", 0),
        p.boolOr("truncate", true),
        ConfigLimits.upTo(
            p, "partial_rotary_factor", p.doubleOr("partial_rotary_factor", topPartial), 0, 1));
  }

  private static double requireDouble(ConfigJson c, ConfigJson p, String where, String field) {
    if (!p.has(field)) {
      throw new ConfigException(
          c.file() + ": RoPE field \"" + where + "." + field + "\" is required for this rope_type");
    }
    return p.doubleOr(field, 0);
  }

  private static RopeConfig withPartial(RopeConfig r, double partial) {
    return new RopeConfig(
        r.type(),
        r.theta(),
        r.factor(),
        r.originalMaxPositions(),
        r.lowFreqFactor(),
        r.highFreqFactor(),
        r.attentionFactor(),
        r.betaFast(),
        r.betaSlow(),
        r.mscale(),
        r.mscaleAllDim(),
        r.truncate(),
        partial);
  }
}
