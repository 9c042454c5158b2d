package dev.depthscope.core.model;

import ai.djl.ndarray.NDArray;

/**
 * The checks that stop a forward pass at the first NaN or infinity: in a block's output hidden
 * state and in the head's NLL. Cheap enough to run on every block evaluation (one sum over the
 * output, well under 1% of a block's time on the 130M bench model).
 */
final class Finite {
  private Finite() {}

  /**
   * Throws when block {@code layer}'s output holds NaN or infinity. One sum finds both (any NaN or
   * infinity makes the sum non-finite); only then is it told apart from a sum of large finite
   * values that merely overflowed.
   */
  static void requireHidden(NDArray out, int layer) {
    if (Float.isFinite(out.sum().getFloat())) {
      return;
    }
    boolean nan = out.isNaN().any().getBoolean();
    if (nan || out.isInfinite().any().getBoolean()) {
      throw new NonFiniteException(
          "block "
              + layer
              + " (model.layers."
              + layer
              + ") produced a non-finite hidden state ("
              + (nan ? "NaN" : "Inf")
              + ")",
          -1);
    }
  }

  /**
   * Throws naming the batch row of the first NaN or infinite value of {@code nll} ({@code [B,
   * perRow]}).
   */
  static void requireNll(float[] nll, int perRow) {
    for (int k = 0; k < nll.length; k++) {
      if (!Float.isFinite(nll[k])) {
        throw new NonFiniteException(
            "the final norm and LM head produced a non-finite NLL ("
                + (Float.isNaN(nll[k]) ? "NaN" : "Inf")
                + ")",
            k / perRow);
      }
    }
  }
}
