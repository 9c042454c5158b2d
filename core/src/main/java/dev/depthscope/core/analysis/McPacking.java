package dev.depthscope.core.analysis;

import dev.depthscope.core.eval.McItems;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The choices of one question packed into one row, so their shared context runs through the model
 * once: the context's tokens, then each choice's continuation without its last token (no position
 * predicts beyond it), each in a branch of its own ({@link
 * dev.depthscope.core.model.PackedLayout}). A choice's first token is scored at the context's last
 * position, its later tokens at its own branch. One-token continuations (MMLU's letters) add no
 * tokens at all: the row is the context, scored at its last position once per choice.
 *
 * <p>Choices share a row when their rows start with the same tokens up to the continuation, which
 * lm-eval's encoding guarantees ({@code context_enc} is the context encoded alone) unless the left
 * truncation to the model's length cut them differently; such a choice gets a row of its own.
 * Choices whose rows are identical share one branch, so they score exactly alike and lm-eval's tie
 * rule (the first of equal scores wins) sees the tie it would see.
 */
public final class McPacking {
  private McPacking() {}

  /**
   * Tokens in the longest packed row of {@code items}: what one row of a multiple-choice batch
   * holds at most (for memory checks before the audit starts).
   */
  public static int longestRow(McItems items) {
    return of(items).stream().mapToInt(Row::length).max().orElse(0);
  }

  /**
   * One packed row.
   *
   * @param items the items (question, choice) it scores, in order
   * @param entry the first scored entry of each item (an item's entries are consecutive, one per
   *     continuation token; identical items share theirs)
   * @param tokens the row's token ids
   * @param positions each token's position in its unpacked row
   * @param branches 0 for the context, 1.. for the choices' branches
   * @param at the row position of each scored entry
   * @param target the token scored at each entry
   */
  record Row(
      int[] items,
      int[] entry,
      long[] tokens,
      int[] positions,
      int[] branches,
      int[] at,
      long[] target) {
    int length() {
      return tokens.length;
    }
  }

  /** The packed rows of {@code items}, question after question. */
  static List<Row> of(McItems items) {
    List<Row> out = new ArrayList<>();
    int n = items.rows().length;
    int i = 0;
    while (i < n) {
      int end = i;
      while (end < n && items.question()[end] == items.question()[i]) {
        end++;
      }
      List<List<Integer>> groups = new ArrayList<>();
      for (int k = i; k < end; k++) {
        List<Integer> home = null;
        for (List<Integer> g : groups) {
          if (samePrefix(items, g.get(0), k)) {
            home = g;
            break;
          }
        }
        if (home == null) {
          home = new ArrayList<>();
          groups.add(home);
        }
        home.add(k);
      }
      for (List<Integer> g : groups) {
        out.add(pack(items, g.stream().mapToInt(Integer::intValue).toArray()));
      }
      i = end;
    }
    return out;
  }

  private static boolean samePrefix(McItems items, int a, int b) {
    int cs = items.continuationStart()[a];
    return cs == items.continuationStart()[b]
        && Arrays.equals(items.rows()[a], 0, cs, items.rows()[b], 0, cs);
  }

  private static Row pack(McItems items, int[] group) {
    int cs = items.continuationStart()[group[0]];
    // The branch each item scores on: the first earlier item with an identical row, or its own.
    int[] same = new int[group.length];
    int len = cs;
    int entries = 0;
    for (int c = 0; c < group.length; c++) {
      same[c] = c;
      for (int d = 0; d < c; d++) {
        if (same[d] == d && Arrays.equals(items.rows()[group[d]], items.rows()[group[c]])) {
          same[c] = d;
          break;
        }
      }
      if (same[c] == c) {
        len += Math.max(0, items.tokens(group[c]) - 1);
        entries += items.tokens(group[c]);
      }
    }
    long[] tokens = new long[len];
    int[] positions = new int[len];
    int[] branches = new int[len];
    long[] first = items.rows()[group[0]];
    for (int p = 0; p < cs; p++) {
      tokens[p] = first[p];
      positions[p] = p;
    }
    int[] entry = new int[group.length];
    int[] at = new int[entries];
    long[] target = new long[entries];
    int off = cs;
    int e = 0;
    int branch = 0;
    for (int c = 0; c < group.length; c++) {
      if (same[c] != c) {
        entry[c] = entry[same[c]];
        continue;
      }
      entry[c] = e;
      branch++;
      long[] row = items.rows()[group[c]];
      int n = items.tokens(group[c]);
      for (int t = 0; t < n; t++) {
        // Continuation token t is predicted from the token before it: the context's last for t = 0.
        at[e] = t == 0 ? cs - 1 : off + t - 1;
        target[e++] = row[cs + t];
        if (t + 1 < n) {
          tokens[off + t] = row[cs + t];
          positions[off + t] = cs + t;
          branches[off + t] = branch;
        }
      }
      off += Math.max(0, n - 1);
    }
    return new Row(group, entry, tokens, positions, branches, at, target);
  }
}
