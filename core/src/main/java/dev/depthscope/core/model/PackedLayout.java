package dev.depthscope.core.model;

/**
 * Where the tokens of a batch of packed rows sit, for {@link AttentionInputs}: a packed row holds
 * one shared prefix (branch 0) followed by several branches (1, 2, ..), each continuing the prefix
 * on its own, so the prefix is computed once for all of them. Each token carries the position it
 * would have in an unpacked row (prefix then its branch) and its branch; padding at the end of a
 * row takes a branch no real token has.
 *
 * @param positions {@code [B][T]} position of each token (RoPE and sliding windows use it)
 * @param branches {@code [B][T]} branch of each token: 0 for the prefix
 */
public record PackedLayout(int[][] positions, int[][] branches) {
  /** Checks the shapes agree. */
  public PackedLayout {
    if (positions.length == 0 || positions.length != branches.length) {
      throw new IllegalArgumentException("a packed layout needs as many position as branch rows");
    }
    for (int r = 0; r < positions.length; r++) {
      if (positions[r].length != positions[0].length || branches[r].length != positions[0].length) {
        throw new IllegalArgumentException("packed row " + r + " differs in length from row 0");
      }
    }
  }

  /** Rows B. */
  public int rows() {
    return positions.length;
  }

  /** Tokens per row T. */
  public int length() {
    return positions[0].length;
  }

  /** The largest position of any token. */
  public int maxPosition() {
    int max = 0;
    for (int[] row : positions) {
      for (int p : row) {
        max = Math.max(max, p);
      }
    }
    return max;
  }
}
