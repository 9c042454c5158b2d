package dev.depthscope.core.analysis;

import dev.depthscope.core.model.CausalLm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the audit measures after its sweeps: the summary's longest run as one joint removal, the
 * removal search when asked for, and, with multiple-choice questions, the accuracy of every one of
 * those sets (one more joint pass over the question rows, all sets together).
 */
final class JointPhase {
  private JointPhase() {}

  /** The summary with its measured cut, and the search (null when none was asked for). */
  record Outcome(AuditSummary summary, RemovalSearchResult search) {}

  /**
   * The multiple-choice side: the question rows in batches, the baseline's and each single
   * removal's per-question correctness, and the audit's sweep settings with the block evaluations
   * done so far (the joint pass gets its own listener when it starts).
   */
  record Mc(
      CausalLm lm,
      McBatches batches,
      McScoring.Scores base,
      McScoring.Scores[] pruned,
      PruningSweep.Settings sweep,
      long done,
      AuditJournal journal) {}

  static Outcome run(
      JointMeasurement joint,
      AuditResult.Metrics metrics,
      AuditSummary summary,
      RemovalSearch.Options search,
      Mc mc) {
    RemovalSearchResult found =
        search == null ? null : RemovalSearch.run(joint, metrics.lastTokenAngularMatrix(), search);
    List<Integer> run = summary.runBlocks();
    if (!run.isEmpty()) {
      summary = summary.withCut(joint.measure(List.of(run)).get(0));
    }
    if (mc == null || (summary.cut() == null && found == null)) {
      return new Outcome(summary, found);
    }
    Map<List<Integer>, RemovedSet> scored = withMc(mc, sets(summary.cut(), found));
    return new Outcome(
        summary.cut() == null ? summary : summary.withCut(scored.get(summary.cut().blocks())),
        found == null
            ? null
            : new RemovalSearchResult(
                found.removeUpTo(),
                replaced(found.greedy(), scored),
                replaced(found.contiguousByAngle(), scored),
                replaced(found.contiguousByNll(), scored),
                found.blockEvaluations(),
                found.strategyBlockEvaluations()));
  }

  /** Every distinct set of the cut and the search, by its blocks. */
  private static Map<List<Integer>, RemovedSet> sets(RemovedSet cut, RemovalSearchResult found) {
    Map<List<Integer>, RemovedSet> sets = new LinkedHashMap<>();
    if (cut != null) {
      sets.put(cut.blocks(), cut);
    }
    if (found != null) {
      for (List<RemovedSet> list :
          Arrays.asList(found.greedy(), found.contiguousByAngle(), found.contiguousByNll())) {
        if (list != null) {
          list.forEach(r -> sets.putIfAbsent(r.blocks(), r));
        }
      }
    }
    return sets;
  }

  /**
   * The sets with their multiple-choice accuracy: single blocks from the sweep, the others from one
   * joint pass over the question rows.
   */
  private static Map<List<Integer>, RemovedSet> withMc(Mc mc, Map<List<Integer>, RemovedSet> sets) {
    List<List<Integer>> multi = sets.keySet().stream().filter(s -> s.size() > 1).toList();
    List<int[]> arrays = multi.stream().map(s -> s.stream().mapToInt(i -> i).toArray()).toList();
    String key = JointPasses.key(AuditPlan.Kind.MC, multi);
    PruningSweep.Settings passSettings = settings(mc.sweep(), mc.done(), "joint MC");
    AuditJournal.JointPass r =
        multi.isEmpty() ? null : mc.journal().pass(key, passSettings.progress());
    if (!multi.isEmpty() && r == null) {
      JointRemoval.Result run =
          JointRemoval.runBatches(mc.lm(), mc.batches().batches(), arrays, passSettings);
      double[][] rows = new double[multi.size()][];
      int nb = mc.batches().batches().size();
      for (int s = 0; s < multi.size(); s++) {
        int set = s;
        rows[s] = mc.batches().rowScores(0, nb, b -> run.nll()[b][set]);
      }
      r = new AuditJournal.JointPass(rows, run.blockEvaluations());
      mc.journal().passDone(key, r);
    }
    double[] ones = new double[mc.base().acc().length];
    Arrays.fill(ones, 1);
    double base = mc.base().meanAcc();
    double baseNorm = mc.base().meanAccNorm();
    Map<List<Integer>, RemovedSet> out = new LinkedHashMap<>();
    for (Map.Entry<List<Integer>, RemovedSet> e : sets.entrySet()) {
      List<Integer> blocks = e.getKey();
      McScoring.Scores scores;
      if (blocks.size() == 1) {
        scores = mc.pruned()[blocks.get(0)];
      } else {
        scores = mc.batches().scores(r.values()[multi.indexOf(blocks)]);
      }
      double acc = scores.meanAcc();
      double norm = scores.meanAccNorm();
      boolean ci = ones.length >= AuditIntervals.MIN_UNITS;
      RemovedSet.AccNorm accNorm =
          new RemovedSet.AccNorm(
              norm,
              norm - baseNorm,
              ci ? AuditIntervals.interval(mc.base().accNorm(), scores.accNorm(), ones) : null);
      out.put(
          blocks,
          e.getValue()
              .withMc(
                  acc,
                  acc - base,
                  ci ? AuditIntervals.interval(mc.base().acc(), scores.acc(), ones) : null,
                  accNorm));
    }
    return out;
  }

  /**
   * The settings of a joint pass after the sweeps: a listener of its own ({@link
   * PruningSweep.ProgressListener#next}) when the caller gives one, else the sweep's counting on
   * from {@code done}. Totals are known pass by pass, so the total grows with each pass. The
   * listener is asked for at the pass's first block (asking ends the previous one), so a pass taken
   * from the journal draws no empty bar.
   */
  static PruningSweep.Settings settings(PruningSweep.Settings s, long done, String task) {
    PruningSweep.ProgressListener p = s.progress();
    if (p == null) {
      return s;
    }
    PruningSweep.ProgressListener[] next = new PruningSweep.ProgressListener[1];
    return s.withProgress(
        (d, t) -> {
          if (next[0] == null) {
            next[0] = p.next(task);
          }
          long from = next[0] == p ? done : 0;
          next[0].blockEvaluated(from + d, from + t);
        });
  }

  private static List<RemovedSet> replaced(
      List<RemovedSet> list, Map<List<Integer>, RemovedSet> scored) {
    if (list == null) {
      return null;
    }
    List<RemovedSet> out = new ArrayList<>();
    list.forEach(r -> out.add(scored.get(r.blocks())));
    return out;
  }
}
