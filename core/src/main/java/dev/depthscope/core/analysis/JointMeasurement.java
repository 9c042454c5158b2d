package dev.depthscope.core.analysis;

import dev.depthscope.core.model.CausalLm;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures removal sets on the audit's evaluation rows after the pruning sweep: runs {@link
 * JointRemoval} for the sets not measured yet, turns per-position NLL into per-sequence sums, and
 * gives each set its joint delta with a bootstrap interval. Single blocks come from the sweep for
 * free. Every measured set is remembered, so a set two strategies pick is measured once.
 */
final class JointMeasurement {
  private final CausalLm lm;
  private final List<long[][]> batches;
  private final double[] baseRowSums;
  private final double[] tokens;
  private final double baselineNll;
  private final double[] singleDeltas;
  private final PruningSweep.Settings settings;
  private final AuditJournal journal;
  private final Map<List<Integer>, double[]> rowSums = new HashMap<>();
  private long evaluations;

  /**
   * @param batches the evaluation rows in the sweep's batches
   * @param baseRowSums per sequence, the summed baseline NLL
   * @param prunedRowSums {@code [L][sequences]}, the summed NLL with each single block removed
   * @param tokens per sequence, the predicted tokens
   * @param singleDeltas {@code pruning_delta_nll}
   * @param settings memory budget, spill directory and progress of each joint pass
   * @param journal where each pass is recorded, and found again by a resumed audit
   */
  JointMeasurement(
      CausalLm lm,
      List<long[][]> batches,
      double[] baseRowSums,
      double[][] prunedRowSums,
      double[] tokens,
      double baselineNll,
      double[] singleDeltas,
      PruningSweep.Settings settings,
      AuditJournal journal) {
    this.lm = lm;
    this.batches = batches;
    this.baseRowSums = baseRowSums;
    this.tokens = tokens;
    this.baselineNll = baselineNll;
    this.singleDeltas = singleDeltas;
    this.settings = settings;
    this.journal = journal;
    for (int l = 0; l < prunedRowSums.length; l++) {
      rowSums.put(List.of(l), prunedRowSums[l]);
    }
  }

  /** Block evaluations the joint passes ran so far. */
  long evaluations() {
    return evaluations;
  }

  /** Block evaluations that measuring {@code sets} from scratch costs (all batches). */
  long cost(List<List<Integer>> sets) {
    return batches.size() * JointRemoval.cost(lm.config().numLayers(), arrays(sets));
  }

  /** Measures {@code sets} (ascending block lists) in one pass; returns them in order. */
  List<RemovedSet> measure(List<List<Integer>> sets) {
    List<List<Integer>> missing = new ArrayList<>();
    for (List<Integer> s : sets) {
      if (!rowSums.containsKey(s) && !missing.contains(s)) {
        missing.add(s);
      }
    }
    if (!missing.isEmpty()) {
      String key = JointPasses.key(AuditPlan.Kind.NLL, missing);
      AuditJournal.JointPass done = journal.pass(key, progress());
      if (done == null) {
        done = pass(missing);
        journal.passDone(key, done);
      }
      evaluations += done.blockEvaluations();
      for (int s = 0; s < missing.size(); s++) {
        rowSums.put(missing.get(s), done.values()[s]);
      }
    }
    List<RemovedSet> out = new ArrayList<>();
    for (List<Integer> s : sets) {
      out.add(summarise(s, rowSums.get(s)));
    }
    return out;
  }

  /** The progress of the next pass: block evaluations counted on from those done so far. */
  private PruningSweep.ProgressListener progress() {
    PruningSweep.ProgressListener p = settings.progress();
    long before = evaluations;
    return p == null ? null : (d, t) -> p.blockEvaluated(before + d, before + t);
  }

  private AuditJournal.JointPass pass(List<List<Integer>> missing) {
    PruningSweep.Settings pass = settings.withProgress(progress());
    JointRemoval.Result r = JointRemoval.run(lm, batches, arrays(missing), pass);
    double[][] values = new double[missing.size()][];
    for (int s = 0; s < missing.size(); s++) {
      double[] sums = new double[baseRowSums.length];
      int row = 0;
      for (int b = 0; b < batches.size(); b++) {
        int per = batches.get(b)[0].length - 1;
        for (int i = 0; i < batches.get(b).length; i++, row++) {
          sums[row] = LayerAudit.rowSum(r.nll()[b][s], i, per);
        }
      }
      values[s] = sums;
    }
    return new AuditJournal.JointPass(values, r.blockEvaluations());
  }

  private RemovedSet summarise(List<Integer> blocks, double[] sums) {
    double count = Arrays.stream(tokens).sum();
    double joint = Arrays.stream(sums).sum() / count;
    double singles = 0;
    for (int b : blocks) {
      singles += singleDeltas[b];
    }
    return new RemovedSet(
        blocks,
        joint,
        joint - baselineNll,
        AuditIntervals.interval(baseRowSums, sums, tokens),
        singles,
        null,
        null,
        null);
  }

  private static List<int[]> arrays(List<List<Integer>> sets) {
    List<int[]> out = new ArrayList<>();
    for (List<Integer> s : sets) {
      out.add(s.stream().mapToInt(Integer::intValue).toArray());
    }
    return out;
  }
}
