package dev.depthscope.core.config;

/**
 * Rotary position embedding parameters, normalised from either config form: the legacy {@code
 * rope_theta} + {@code rope_scaling} or the newer {@code rope_parameters}. Fields a type does not
 * use keep their transformers defaults.
 *
 * @param type {@code default}, {@code linear}, {@code dynamic}, {@code llama3} or {@code yarn}
 * @param theta base wavelength
 * @param factor context extension factor (1 for default)
 * @param originalMaxPositions pre-training context length (llama3, yarn; 0 for the other types)
 * @param lowFreqFactor llama3 low-frequency factor
 * @param highFreqFactor llama3 high-frequency factor
 * @param attentionFactor yarn's cos/sin multiplier; NaN means derive it from factor and mscale
 * @param betaFast yarn extrapolation boundary
 * @param betaSlow yarn interpolation boundary
 * @param mscale yarn/DeepSeek mscale (0 when absent)
 * @param mscaleAllDim yarn/DeepSeek mscale_all_dim (0 when absent)
 * @param truncate yarn: round the correction range to whole dimensions
 * @param partialRotaryFactor fraction of the head dimension that rotates
 */
public record RopeConfig(
    String type,
    double theta,
    double factor,
    int originalMaxPositions,
    double lowFreqFactor,
    double highFreqFactor,
    double attentionFactor,
    double betaFast,
    double betaSlow,
    double mscale,
    double mscaleAllDim,
    boolean truncate,
    double partialRotaryFactor) {

  /** The RoPE types this tool implements. */
  public static final java.util.List<String> SUPPORTED_TYPES =
      java.util.List.of("default", "linear", "dynamic", "llama3", "yarn");

  /** Plain RoPE with base {@code theta}. */
  public static RopeConfig plain(double theta) {
    return new RopeConfig("default", theta, 1, 0, 1, 4, Double.NaN, 32, 1, 0, 0, true, 1);
  }

  /** One line for people, e.g. {@code llama3 (theta 500000, factor 8, original 8192)}. */
  public String describe() {
    String base = type + " (theta " + fmt(theta);
    return switch (type) {
      case "default" -> base + ")";
      case "linear", "dynamic" -> base + ", factor " + fmt(factor) + ")";
      case "llama3" ->
          base
              + ", factor "
              + fmt(factor)
              + ", low/high freq "
              + fmt(lowFreqFactor)
              + "/"
              + fmt(highFreqFactor)
              + ", original "
              + originalMaxPositions
              + ")";
      default ->
          base
              + ", factor "
              + fmt(factor)
              + ", original "
              + originalMaxPositions
              + (mscale != 0 ? ", mscale " + fmt(mscale) + "/" + fmt(mscaleAllDim) : "")
              + ")";
    };
  }

  private static String fmt(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
