package dev.depthscope.core.analysis;

import dev.depthscope.core.model.CausalLm;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The joint passes after the sweep (several blocks removed together, see {@link JointRemoval}), as
 * an {@link AuditJournal} names them and in pieces: a pass over a range of batches gives the
 * per-row values of those batches, and the pieces in batch order give the pass's {@link
 * AuditJournal.JointPass} with the same arithmetic as one pass over all batches. So a journal can
 * hand a pass to workers (a distributed audit runs every step of the removal search that way).
 */
public final class JointPasses {
  private JointPasses() {}

  /**
   * One joint pass.
   *
   * @param kind the rows it runs on: the NLL rows (per-row NLL sums) or the multiple-choice rows
   *     (per-question correctness)
   * @param sets the removed-block sets, ascending lists
   */
  public record Request(AuditPlan.Kind kind, List<List<Integer>> sets) implements Serializable {
    private static final long serialVersionUID = 1L;

    public Request {
      sets = sets.stream().map(List::copyOf).toList();
    }
  }

  /**
   * What a pass measured on batches {@code first .. end} of its kind.
   *
   * @param values per set, per row of those batches (in batch order): the summed NLL (nats), or for
   *     multiple-choice rows the choice's score
   * @param blockEvaluations blocks run
   */
  public record Part(double[][] values, long blockEvaluations) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  private static final Pattern KEY = Pattern.compile("(nll|mc) (\\[.*\\])");
  private static final Pattern SET = Pattern.compile("\\[([0-9, ]*)\\]");

  /** The journal key of the pass measuring {@code sets} on the rows of {@code kind}. */
  static String key(AuditPlan.Kind kind, List<List<Integer>> sets) {
    return (kind == AuditPlan.Kind.NLL ? "nll " : "mc ") + sets;
  }

  /** The pass a journal key names. */
  public static Request parse(String key) {
    Matcher m = KEY.matcher(key);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a joint-pass key: " + key);
    }
    List<List<Integer>> sets = new ArrayList<>();
    String inner = m.group(2).substring(1, m.group(2).length() - 1);
    Matcher s = SET.matcher(inner);
    while (s.find()) {
      List<Integer> set = new ArrayList<>();
      for (String x : s.group(1).split(",")) {
        if (!x.isBlank()) {
          set.add(Integer.parseInt(x.trim()));
        }
      }
      sets.add(set);
    }
    Request r =
        new Request(m.group(1).equals("nll") ? AuditPlan.Kind.NLL : AuditPlan.Kind.MC, sets);
    if (!key(r.kind(), r.sets()).equals(key)) {
      throw new IllegalArgumentException("not a joint-pass key: " + key);
    }
    return r;
  }

  /** Runs {@code request} on batches {@code first .. end} of {@code plan} with {@code lm}. */
  public static Part run(
      CausalLm lm,
      AuditPlan plan,
      Request request,
      int first,
      int end,
      PruningSweep.Settings settings) {
    List<int[]> sets = new ArrayList<>();
    for (List<Integer> set : request.sets()) {
      sets.add(set.stream().mapToInt(Integer::intValue).toArray());
    }
    boolean nll = request.kind() == AuditPlan.Kind.NLL;
    List<SweepBatch> batches =
        (nll ? SweepBatch.causal(plan.nllBatches()) : plan.mcBatches().batches())
            .subList(first, end);
    JointRemoval.Result r = JointRemoval.runBatches(lm, batches, sets, settings);
    double[][] values = new double[sets.size()][];
    for (int s = 0; s < sets.size(); s++) {
      int set = s;
      if (nll) {
        List<Double> rows = new ArrayList<>();
        for (int b = 0; b < batches.size(); b++) {
          int per = batches.get(b).length() - 1;
          for (int i = 0; i < batches.get(b).rows(); i++) {
            rows.add(LayerAudit.rowSum(r.nll()[b][s], i, per));
          }
        }
        values[s] = rows.stream().mapToDouble(Double::doubleValue).toArray();
      } else {
        values[s] = plan.mcBatches().rowScores(first, end, b -> r.nll()[b][set]);
      }
    }
    return new Part(values, r.blockEvaluations());
  }

  /** The whole pass from its parts, which cover the kind's batches in order. */
  public static AuditJournal.JointPass assemble(AuditPlan plan, Request request, List<Part> parts) {
    int n = request.sets().size();
    double[][] values = new double[n][];
    long evaluations = 0;
    for (Part p : parts) {
      evaluations += p.blockEvaluations();
    }
    for (int s = 0; s < n; s++) {
      int length = 0;
      for (Part p : parts) {
        length += p.values()[s].length;
      }
      double[] all = new double[length];
      int at = 0;
      for (Part p : parts) {
        System.arraycopy(p.values()[s], 0, all, at, p.values()[s].length);
        at += p.values()[s].length;
      }
      // NLL: per-row sums; MC: per-row log-likelihoods in batch order (what JointPhase journals).
      values[s] = all;
    }
    return new AuditJournal.JointPass(values, evaluations);
  }
}
