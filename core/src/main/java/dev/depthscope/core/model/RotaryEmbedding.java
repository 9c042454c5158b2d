package dev.depthscope.core.model;

import dev.depthscope.core.config.ModelConfig;
import dev.depthscope.core.config.RopeConfig;

/**
 * Rotary position embedding tables, computed as transformers 5.x computes them ({@code
 * modeling_rope_utils.py}): inverse frequencies in float32 for the RoPE type, then per position
 * {@code cos(pos * inv_freq) * attention_scaling} and the same for sin, duplicated across the two
 * halves of the head ({@code rotate_half} layout). The float32 rounding of each step follows the
 * reference so long positions (llama3 at 1024+ tokens) stay within tolerance.
 */
public final class RotaryEmbedding {
  private final float[] invFreq;
  private final float attentionScaling;

  private RotaryEmbedding(float[] invFreq, float attentionScaling) {
    this.invFreq = invFreq;
    this.attentionScaling = attentionScaling;
  }

  /**
   * The tables for {@code config}'s RoPE type and head dimension, for sequences of {@code seqLen}
   * tokens (only {@code dynamic} depends on it).
   */
  public static RotaryEmbedding of(ModelConfig config, int seqLen) {
    return of(config.rope(), config.headDim(), config.maxPositionEmbeddings(), seqLen);
  }

  /** The tables for explicit parameters. */
  public static RotaryEmbedding of(RopeConfig rope, int headDim, int maxPositions, int seqLen) {
    if (rope.partialRotaryFactor() != 1.0) {
      throw new IllegalArgumentException(
          "partial_rotary_factor " + rope.partialRotaryFactor() + " is not supported");
    }
    int dim = headDim;
    double base = rope.theta();
    return switch (rope.type()) {
      case "default" -> new RotaryEmbedding(baseInvFreq(base, dim), 1f);
      case "linear" -> {
        float[] f = baseInvFreq(base, dim);
        for (int i = 0; i < f.length; i++) {
          f[i] = f[i] / (float) rope.factor();
        }
        yield new RotaryEmbedding(f, 1f);
      }
      case "dynamic" -> {
        // Frequencies are recomputed only once the sequence outgrows max_position_embeddings.
        int len = Math.max(seqLen, maxPositions);
        double f = rope.factor();
        double scaled = base * Math.pow((f * len / maxPositions) - (f - 1), dim / (dim - 2.0));
        yield new RotaryEmbedding(baseInvFreq(scaled, dim), 1f);
      }
      case "llama3" -> new RotaryEmbedding(llama3(rope, base, dim), 1f);
      case "yarn" -> yarn(rope, base, dim);
      default -> throw new IllegalArgumentException("unsupported rope_type " + rope.type());
    };
  }

  /** {@code 1 / base^(2i/dim)} with float32 rounding at each step, as torch computes it. */
  static float[] baseInvFreq(double base, int dim) {
    float[] f = new float[dim / 2];
    for (int i = 0; i < f.length; i++) {
      float exponent = (float) (2 * i) / (float) dim;
      float pow = (float) Math.pow((float) base, exponent);
      f[i] = 1.0f / pow;
    }
    return f;
  }

  private static float[] llama3(RopeConfig r, double base, int dim) {
    float[] inv = baseInvFreq(base, dim);
    double factor = r.factor();
    double low = r.lowFreqFactor();
    double high = r.highFreqFactor();
    double oldContext = r.originalMaxPositions();
    double lowWavelen = oldContext / low;
    double highWavelen = oldContext / high;
    float[] out = new float[inv.length];
    for (int i = 0; i < inv.length; i++) {
      float wavelen = (float) (2 * Math.PI) / inv[i];
      float scaled = wavelen > lowWavelen ? inv[i] / (float) factor : inv[i];
      boolean medium = !(wavelen < highWavelen) && !(wavelen > lowWavelen);
      if (medium) {
        float smooth = ((float) oldContext / wavelen - (float) low) / (float) (high - low);
        scaled = (1 - smooth) * scaled / (float) factor + smooth * scaled;
      }
      out[i] = scaled;
    }
    return out;
  }

  private static RotaryEmbedding yarn(RopeConfig r, double base, int dim) {
    double factor = r.factor();
    double attention = r.attentionFactor();
    if (Double.isNaN(attention)) {
      attention =
          r.mscale() != 0 && r.mscaleAllDim() != 0
              ? yarnMscale(factor, r.mscale()) / yarnMscale(factor, r.mscaleAllDim())
              : yarnMscale(factor, 1);
    }
    double low = correctionDim(r.betaFast(), dim, base, r.originalMaxPositions());
    double high = correctionDim(r.betaSlow(), dim, base, r.originalMaxPositions());
    if (r.truncate()) {
      low = Math.floor(low);
      high = Math.ceil(high);
    }
    low = Math.max(low, 0);
    high = Math.min(high, dim - 1);
    if (low == high) {
      high += 0.001; // transformers: prevent a zero-width ramp
    }
    // transformers: (torch.arange(dim // 2, dtype=float32) - low) / (high - low), i.e. in float32
    // with low and (high - low) rounded to float; with truncate=false they are fractional and
    // double arithmetic here moved some frequencies by an ulp (1.6e-5 in sin at position 4000).
    float lowF = (float) low;
    float rangeF = (float) (high - low);
    float[] out = new float[dim / 2];
    for (int i = 0; i < out.length; i++) {
      float posFreq = (float) Math.pow((float) base, (float) (2 * i) / (float) dim);
      float extrapolation = 1.0f / posFreq;
      float interpolation = 1.0f / ((float) factor * posFreq);
      float ramp = ((float) i - lowF) / rangeF;
      ramp = Math.min(1f, Math.max(0f, ramp));
      float extrapolationFactor = 1 - ramp;
      out[i] = interpolation * (1 - extrapolationFactor) + extrapolation * extrapolationFactor;
    }
    return new RotaryEmbedding(out, (float) attention);
  }

  /** YaRN's attention temperature: {@code 0.1 * mscale * ln(scale) + 1}, or 1 for scale <= 1. */
  static double yarnMscale(double scale, double mscale) {
    return scale <= 1 ? 1.0 : 0.1 * mscale * Math.log(scale) + 1.0;
  }

  private static double correctionDim(double rotations, int dim, double base, int maxPositions) {
    return (dim * Math.log(maxPositions / (rotations * 2 * Math.PI))) / (2 * Math.log(base));
  }

  /** The inverse frequencies (length head_dim / 2). */
  public float[] invFreq() {
    return invFreq.clone();
  }

  /** The factor applied to cos and sin (1 except for yarn). */
  public float attentionScaling() {
    return attentionScaling;
  }

  /**
   * Cosine and sine tables {@code [seqLen, 2 * invFreq.length]} (row-major), for positions 0 ..
   * seqLen-1, each row being {@code [f, f]} for the rotate-half layout.
   */
  public float[][] tables(int seqLen) {
    int half = invFreq.length;
    float[] cos = new float[seqLen * 2 * half];
    float[] sin = new float[seqLen * 2 * half];
    for (int p = 0; p < seqLen; p++) {
      for (int i = 0; i < half; i++) {
        float angle = (float) p * invFreq[i];
        float c = (float) Math.cos(angle) * attentionScaling;
        float s = (float) Math.sin(angle) * attentionScaling;
        int row = p * 2 * half;
        cos[row + i] = c;
        cos[row + half + i] = c;
        sin[row + i] = s;
        sin[row + half + i] = s;
      }
    }
    return new float[][] {cos, sin};
  }
}
