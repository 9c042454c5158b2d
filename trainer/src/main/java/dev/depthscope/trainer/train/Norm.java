package dev.depthscope.trainer.train;

import dev.depthscope.core.config.NormScheme;
import java.util.Locale;

/**
 * The norm scheme a run trains with ({@code --norm}). It differs from the checkpoint-level {@link
 * NormScheme} by {@link #LNS}: LayerNorm Scaling is Pre-LN whose two pre-norm outputs in block i
 * are multiplied by {@code 1/sqrt(i+1)} (REFERENCE.md, "LayerNorm Scaling"); since the factor is a
 * constant it is folded into the norm weights on export, so an LNS model is saved as plain Pre-LN.
 */
public enum Norm {
  /** Pre-LN (Llama). */
  PRE(NormScheme.PRE),
  /** Pre-LN with LayerNorm Scaling. */
  LNS(NormScheme.PRE),
  /** Post-LN: norm after each residual add. */
  POST(NormScheme.POST),
  /** Mix-LN: the first floor(L/4) blocks Post-LN, the rest Pre-LN. */
  MIX(NormScheme.MIX);

  private final NormScheme scheme;

  Norm(NormScheme scheme) {
    this.scheme = scheme;
  }

  /** The block layout the forward pass (and the exported checkpoint) uses. */
  public NormScheme scheme() {
    return scheme;
  }

  /** The factor applied to block {@code layer}'s pre-norm outputs: {@code 1/sqrt(layer+1)} or 1. */
  public float normScale(int layer) {
    return this == LNS ? (float) (1.0 / Math.sqrt(layer + 1.0)) : 1f;
  }

  /** The command-line name ({@code pre}, {@code lns}, {@code post}, {@code mix}). */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a command-line name. */
  public static Norm parse(String name) {
    for (Norm n : values()) {
      if (n.cliName().equals(name.trim().toLowerCase(Locale.ROOT))) {
        return n;
      }
    }
    throw new IllegalArgumentException(
        "unknown norm scheme \"" + name + "\"; expected pre, lns, post or mix");
  }
}
