package dev.depthscope.core.model;

/**
 * A forward pass produced NaN or infinity: a block's output hidden state or the LM head's NLL. The
 * weights are checked finite when they load, so this means float32 overflowed (weights too large
 * for the activations they meet) and every number measured from there would be meaningless; the run
 * stops instead. Callers that know more (the batch, the removed blocks) add it with {@link #on}.
 */
public final class NonFiniteException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String what;
  private final String where;
  private final int row;

  /**
   * A failure described by {@code what} (e.g. "block 7 produced a non-finite hidden state (NaN)");
   * {@code row} is the batch row of the first non-finite NLL, or -1 for a hidden state.
   */
  public NonFiniteException(String what, int row) {
    this(what, "", row);
  }

  private NonFiniteException(String what, String where, int row) {
    super(
        what
            + where
            + "; float32 overflowed (weights too large for their activations?), so no measurement"
            + " from here would be meaningful");
    this.what = what;
    this.where = where;
    this.row = row;
  }

  /** The same failure with {@code context} appended, e.g. {@code "on batch 2 of 3"}. */
  public NonFiniteException on(String context) {
    return new NonFiniteException(what, where + " " + context, row);
  }

  /** The batch row whose NLL was not finite, or -1 when a hidden state was. */
  public int row() {
    return row;
  }
}
