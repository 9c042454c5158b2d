package dev.depthscope.cli;

import dev.depthscope.core.analysis.MechanismProbe;
import picocli.CommandLine.Option;

/**
 * The audit's mechanism options (docs/MECHANISM.md), a picocli mixin: {@code --jacobian} with
 * {@code --jacobian-probes K} and {@code --jacobian-seed}, and {@code --logit-lens}.
 */
final class MechanismOptions {
  /**
   * Probes per block and batch when {@code --jacobian-probes} is not given: on the bench model
   * (bench/run.sh, 12 x 768, 4 x 512 tokens) the estimate's relative standard error from the probes
   * alone stays far under 5% with this many (docs/MECHANISM.md has the measurement).
   */
  static final int DEFAULT_PROBES = 2;

  @Option(
      names = "--jacobian",
      description =
          "Also measure how far each block's derivative is from the identity: jacobian_deviation"
              + " = ||J - I||_F / sqrt(B*T*D), by Hutchinson probes (one extra forward and K"
              + " backward passes per block and batch), with 95%% intervals. Needs --text or"
              + " --token-ids. Example: depthscope audit MODEL --text eval.txt --jacobian")
  boolean jacobian;

  @Option(
      names = "--jacobian-probes",
      paramLabel = "K",
      description =
          "Hutchinson probes per block and batch for --jacobian (implies it; default: "
              + DEFAULT_PROBES
              + ", enough for a relative standard error far under 5%% on the bench model;"
              + " audit.json reports the error per block as jacobian_relative_se).")
  Integer probes;

  @Option(
      names = "--jacobian-seed",
      paramLabel = "SEED",
      description = "Seed of the Hutchinson probes (default: ${DEFAULT-VALUE}).")
  long seed = MechanismProbe.Options.DEFAULT_SEED;

  @Option(
      names = "--logit-lens",
      description =
          "Also decode every hidden state h_0..h_L with the final norm and LM head (the logit"
              + " lens): logit_lens_nll and logit_lens_top1_agreement per layer. Off by default:"
              + " L+1 more LM-head passes per batch added 45%% to an audit of the bench model."
              + " Example: depthscope audit MODEL --text eval.txt --logit-lens")
  boolean logitLens;

  /** The measurements these options ask for. */
  MechanismProbe.Options toOptions() {
    if (probes != null && probes < 1) {
      throw new IllegalArgumentException("--jacobian-probes must be at least 1, got " + probes);
    }
    int k = probes != null ? probes : jacobian ? DEFAULT_PROBES : 0;
    return new MechanismProbe.Options(logitLens, k, seed);
  }
}
