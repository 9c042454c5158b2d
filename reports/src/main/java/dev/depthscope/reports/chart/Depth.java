package dev.depthscope.reports.chart;

/**
 * Where a per-layer value sits on a depth axis. Hidden states {@code h_0..h_L} and blocks {@code
 * 0..L-1} are both indexed by l, but block l lies between {@code h_l} and {@code h_{l+1}}; on a
 * relative axis (0 = embeddings, 1 = last block's output) hidden state l sits at {@code l/L} and
 * block l at its centre {@code (l + 0.5)/L}, so models of different depth line up.
 */
public enum Depth {
  /** Values indexed by hidden state {@code h_l}, l = 0..L. */
  HIDDEN_STATE(0),
  /** Values indexed by block l = 0..L-1. */
  BLOCK(0.5);

  private final double offset;

  Depth(double offset) {
    this.offset = offset;
  }

  /** The x value of index l in a model of {@code layers} blocks. */
  public double x(int l, int layers, boolean relative) {
    return relative ? (l + offset) / layers : l;
  }
}
