package dev.depthscope.core.analysis;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Searches for the blocks to remove together, measuring every candidate's joint NLL, since removal
 * effects interact and the one-at-a-time ranking can pick the wrong set.
 *
 * <ul>
 *   <li>{@code greedy} (SLEB's rule): step k measures every set "the k-1 blocks chosen so far plus
 *       one more" and keeps the one with the lowest joint NLL (ties to the lower block). Step 1 is
 *       the sweep's best single block.
 *   <li>{@code contiguous} (Gromov et al., PruneMe): for each n, the window [a, a+n-1] with the
 *       smallest last-token angular distance between h_a and h_{a+n}, and, measuring all L-n+1
 *       windows, the one with the lowest joint NLL (ties to the earlier window).
 * </ul>
 *
 * Greedy step 2 and all windows share one joint pass; every later greedy step is one more pass.
 */
public final class RemovalSearch {
  private RemovalSearch() {}

  /**
   * What to search.
   *
   * @param greedy run the greedy strategy
   * @param contiguous run the contiguous strategies
   * @param removeUpTo K: sets of 1..K blocks
   */
  public record Options(boolean greedy, boolean contiguous, int removeUpTo) {
    public Options {
      if (!greedy && !contiguous) {
        throw new IllegalArgumentException("a removal search needs a strategy");
      }
      if (removeUpTo < 1) {
        throw new IllegalArgumentException("--remove-up-to must be at least 1, got " + removeUpTo);
      }
    }
  }

  /**
   * Runs the search with {@code joint} (which already holds the sweep's single blocks).
   *
   * @param angular {@code last_token_angular_matrix}
   */
  static RemovalSearchResult run(JointMeasurement joint, Double[][] angular, Options opt) {
    int layers = angular.length - 1;
    int k = opt.removeUpTo();
    if (k >= layers) {
      throw new IllegalArgumentException(
          "--remove-up-to must be below the number of blocks (" + layers + "), got " + k);
    }
    long before = joint.evaluations();
    List<List<Integer>> windows = new ArrayList<>();
    List<List<Integer>> byAngle = new ArrayList<>();
    if (opt.contiguous()) {
      for (int n = 1; n <= k; n++) {
        int best = -1;
        for (int a = 0; a + n <= layers; a++) {
          windows.add(window(a, n));
          Double d = angular[a][n];
          if (d != null && !d.isNaN() && (best < 0 || d < angular[best][n])) {
            best = a;
          }
        }
        byAngle.add(window(Math.max(best, 0), n));
      }
    }
    List<RemovedSet> greedy = null;
    Map<String, Long> alone = new LinkedHashMap<>();
    if (opt.greedy()) {
      greedy = new ArrayList<>();
      List<Integer> chosen = List.of();
      long cost = 0;
      for (int step = 1; step <= k; step++) {
        List<List<Integer>> candidates = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
          if (!chosen.contains(l)) {
            candidates.add(with(chosen, l));
          }
        }
        if (step > 1) {
          cost += joint.cost(candidates);
        }
        List<List<Integer>> pass = new ArrayList<>(candidates);
        if (step == 2) {
          pass.addAll(windows); // one pass for greedy step 2 and every window
        }
        List<RemovedSet> measured = joint.measure(pass);
        RemovedSet best = null;
        for (int c = 0; c < candidates.size(); c++) {
          RemovedSet r = measured.get(c);
          if (best == null || r.jointNll() < best.jointNll()) {
            best = r;
          }
        }
        greedy.add(best);
        chosen = best.blocks();
      }
      alone.put("greedy", cost);
    }
    List<RemovedSet> contiguousByAngle = null;
    List<RemovedSet> contiguousByNll = null;
    if (opt.contiguous()) {
      List<RemovedSet> all = joint.measure(windows);
      contiguousByAngle = joint.measure(byAngle);
      contiguousByNll = new ArrayList<>();
      int i = 0;
      for (int n = 1; n <= k; n++) {
        RemovedSet best = null;
        for (int a = 0; a + n <= layers; a++, i++) {
          if (best == null || all.get(i).jointNll() < best.jointNll()) {
            best = all.get(i);
          }
        }
        contiguousByNll.add(best);
      }
      List<List<Integer>> multi = windows.stream().filter(w -> w.size() > 1).toList();
      alone.put("contiguous", multi.isEmpty() ? 0 : joint.cost(multi));
    }
    return new RemovalSearchResult(
        k, greedy, contiguousByAngle, contiguousByNll, joint.evaluations() - before, alone);
  }

  /** The blocks {@code a .. a+n-1}. */
  static List<Integer> window(int a, int n) {
    List<Integer> w = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      w.add(a + i);
    }
    return List.copyOf(w);
  }

  private static List<Integer> with(List<Integer> chosen, int block) {
    List<Integer> s = new ArrayList<>(chosen);
    s.add(block);
    s.sort(null);
    return List.copyOf(s);
  }
}
