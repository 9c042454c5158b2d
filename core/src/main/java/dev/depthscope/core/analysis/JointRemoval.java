package dev.depthscope.core.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.NonFiniteException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The next-token NLL of the model with several blocks removed together (each replaced by the
 * identity), for many candidate sets at once.
 *
 * <p>All candidates of a batch start as one group holding h_0. At block j a group whose members all
 * keep block j advances through it; members that remove block j keep the state unchanged; when both
 * kinds are present the group splits, the state is copied and only the keepers advance. So
 * candidates share every block they agree on so far: a set whose first removed block is l costs
 * nothing before l, since it is the baseline up to there, and sets that differ only late share all
 * earlier work. The order is block-major over all batches and groups, as in {@link PruningSweep},
 * so each block's weights are needed once per call (one pass over a streamed checkpoint).
 *
 * <p>The carried states live in a {@link StateStore} (native memory up to the budget, then a spill
 * file). At the end each group's state goes through the LM head, stacked with the others of its
 * batch ({@link StackedHead}).
 */
public final class JointRemoval {
  private JointRemoval() {}

  /**
   * NLL per candidate.
   *
   * @param nll {@code nll[b][s]}: {@code [B_b * (T_b - 1)]} next-token NLL (nats) of batch b with
   *     the blocks of set s removed (a packed batch's scored values, {@link SweepBatch#scored()})
   * @param blockEvaluations blocks run
   * @param spilledBytes peak bytes of states written to the spill file (0 if none)
   */
  public record Result(float[][][] nll, long blockEvaluations, long spilledBytes) {}

  /** A group of candidates that agree on every block so far, and their common state. */
  private record Group(int[] members, StateStore.Slot slot) {}

  /**
   * Block evaluations {@link #run} does per batch for {@code sets} on a model of {@code layers}
   * blocks (for progress bars and the search's bookkeeping).
   */
  public static long cost(int layers, List<int[]> sets) {
    boolean[][] removed = masks(layers, sets);
    List<int[]> groups = new ArrayList<>();
    groups.add(all(sets.size()));
    long cost = 0;
    for (int j = 0; j < layers; j++) {
      List<int[]> next = new ArrayList<>();
      for (int[] g : groups) {
        int[][] parts = partition(g, removed, j);
        if (parts[0].length > 0) {
          cost++;
          next.add(parts[0]);
        }
        if (parts[1].length > 0) {
          next.add(parts[1]);
        }
      }
      groups = next;
    }
    return cost;
  }

  /**
   * Evaluates every set of {@code sets} (removed block indices, 0-based, any order, no repeats; an
   * empty set is the baseline) on every batch of {@code batches} (each a rectangle {@code [B, T]}).
   */
  public static Result run(
      CausalLm lm, List<long[][]> batches, List<int[]> sets, PruningSweep.Settings settings) {
    return runBatches(lm, SweepBatch.causal(batches), sets, settings);
  }

  /**
   * {@link #run} over causal or packed batches ({@link SweepBatch}); {@link Result}'s NLL arrays
   * hold each batch's scored values ({@link SweepBatch#scored()}).
   */
  static Result runBatches(
      CausalLm lm, List<SweepBatch> batches, List<int[]> sets, PruningSweep.Settings settings) {
    int layers = lm.config().numLayers();
    boolean[][] removed = masks(layers, sets);
    int nb = batches.size();
    long total = nb * cost(layers, sets);
    PruningSweep.ProgressListener progress =
        settings.progress() == null ? PruningSweep.ProgressListener.NONE : settings.progress();
    long done = 0;
    try (NDManager m = lm.manager().newSubManager();
        StateStore store = new StateStore(m, settings.memoryBudget(), settings.spillDir());
        SweepAttention attention = new SweepAttention(lm, m, batches)) {
      List<List<Group>> groups = new ArrayList<>();
      for (SweepBatch batch : batches) {
        try (NDManager step = m.newSubManager()) {
          StateStore.Slot slot = store.newSlot();
          slot.store(lm.embed(step, batch.ids()));
          groups.add(new ArrayList<>(List.of(new Group(all(sets.size()), slot))));
        }
      }
      for (int j = 0; j < layers; j++) {
        for (int b = 0; b < nb; b++) {
          AttentionInputs att = attention.open(b);
          List<Group> next = new ArrayList<>();
          for (Group g : groups.get(b)) {
            int[][] parts = partition(g.members(), removed, j);
            if (parts[0].length == 0) {
              next.add(g); // every member removes block j: the state passes unchanged
              continue;
            }
            try (NDManager step = m.newSubManager()) {
              NDArray h = g.slot().load(step);
              if (parts[1].length > 0) {
                StateStore.Slot kept = store.newSlot();
                kept.store(h.duplicate());
                next.add(new Group(parts[1], kept));
              }
              try {
                g.slot().store(lm.block(j, h, att));
              } catch (NonFiniteException e) {
                throw e.on(PruningSweep.where(b, nb) + removing(sets.get(g.members()[0]), j));
              }
              next.add(new Group(parts[0], g.slot()));
            }
            progress.blockEvaluated(++done, total);
          }
          groups.set(b, next);
          attention.release(b);
        }
      }
      float[][][] nll = new float[nb][sets.size()][];
      for (int b = 0; b < nb; b++) {
        List<Group> finals = groups.get(b);
        List<StateStore.Slot> slots = new ArrayList<>();
        finals.forEach(g -> slots.add(g.slot()));
        String batch = PruningSweep.where(b, nb);
        float[][] out =
            StackedHead.tokenNll(
                lm,
                m,
                batches.get(b),
                slots,
                n -> {},
                k -> batch + removing(sets.get(finals.get(k).members()[0]), layers));
        for (int k = 0; k < finals.size(); k++) {
          for (int s : finals.get(k).members()) {
            nll[b][s] = out[k];
          }
        }
      }
      return new Result(nll, done, store.spilledBytes());
    }
  }

  /** " with blocks [3, 5] removed": the blocks below {@code upTo} that {@code set} removes. */
  private static String removing(int[] set, int upTo) {
    int[] below = Arrays.stream(set).filter(x -> x < upTo).sorted().toArray();
    return below.length == 0
        ? ""
        : below.length == 1
            ? " with block " + below[0] + " removed"
            : " with blocks " + Arrays.toString(below) + " removed";
  }

  /** {@code [keep block j, remove block j]} members of a group. */
  private static int[][] partition(int[] members, boolean[][] removed, int j) {
    int keep = 0;
    for (int s : members) {
      if (!removed[s][j]) {
        keep++;
      }
    }
    int[] kept = new int[keep];
    int[] dropped = new int[members.length - keep];
    int k = 0;
    int d = 0;
    for (int s : members) {
      if (removed[s][j]) {
        dropped[d++] = s;
      } else {
        kept[k++] = s;
      }
    }
    return new int[][] {kept, dropped};
  }

  private static boolean[][] masks(int layers, List<int[]> sets) {
    boolean[][] removed = new boolean[sets.size()][layers];
    for (int s = 0; s < sets.size(); s++) {
      for (int block : sets.get(s)) {
        if (block < 0 || block >= layers) {
          throw new IllegalArgumentException(
              "block " + block + " out of range: the model has blocks 0.." + (layers - 1));
        }
        if (removed[s][block]) {
          throw new IllegalArgumentException("block " + block + " listed twice in one set");
        }
        removed[s][block] = true;
      }
    }
    return removed;
  }

  private static int[] all(int n) {
    int[] members = new int[n];
    for (int i = 0; i < n; i++) {
      members[i] = i;
    }
    return members;
  }
}
