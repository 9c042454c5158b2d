package dev.depthscope.cli;

import java.nio.file.Path;

/**
 * The checks of {@code audit}'s options against each other, before anything is read or opened: each
 * refusal says which option is wrong and what to pass instead (exit 2).
 */
final class AuditArgumentChecks {
  private AuditArgumentChecks() {}

  static void check(AuditCommand a) {
    if (a.nll == null && a.mc == null) {
      throw new IllegalArgumentException(
          "no evaluation data: pass --text FILE or --token-ids FILE (and/or --mc FILE)");
    }
    if (a.nll == null && a.mechanism.toOptions().jacobianProbes() > 0) {
      throw new IllegalArgumentException(
          "--jacobian needs hidden states of text: pass --text FILE or --token-ids FILE");
    }
    if (a.batch <= 0) {
      throw new IllegalArgumentException("--batch must be at least 1, found " + a.batch);
    }
    if (a.seqLen < 2) {
      throw new IllegalArgumentException(
          "--seq-len must be at least 2 (a window predicts its tokens after the first), found "
              + a.seqLen);
    }
    if (!Double.isFinite(a.threshold) || a.threshold < 0) {
      throw new IllegalArgumentException(
          "--threshold must be a finite number of at least 0 (a fraction of the baseline NLL),"
              + " found "
              + a.threshold);
    }
    if (a.search != null && a.nll == null) {
      throw new IllegalArgumentException(
          "--search measures NLL: pass --text FILE or --token-ids FILE as well");
    }
    if (a.removeUpTo != null && a.search == null) {
      throw new IllegalArgumentException(
          "--remove-up-to sets the size of a removal search: pass --search as well");
    }
    a.mcOptions.check(a.mc);
    // Missing inputs fail before the model opens, not seconds later.
    for (Path input :
        new Path[] {
          a.nll == null ? null : a.nll.text, a.nll == null ? null : a.nll.tokenIds, a.mc
        }) {
      AuditInputs.requireReadable(input);
    }
  }
}
