package dev.depthscope.core.analysis;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Puts the {@link ChunkResult}s of an {@link AuditPlan} together, in batch order, into what the
 * sweep measured over all rows: per-row NLL sums, the hidden-state metrics (per-batch partials
 * reduced in batch order), per-question multiple-choice correctness and the expert load; from it
 * the audit's {@link AuditResult.Metrics}. The arithmetic depends only on the per-batch results,
 * never on the grouping into chunks, so a resumed or distributed audit gives the numbers of an
 * uninterrupted one to the bit.
 */
public final class AuditAssembly {
  private AuditAssembly() {}

  /**
   * The sweep over all rows.
   *
   * @param baseSum per NLL row, the summed baseline NLL (nats), or null without NLL rows
   * @param prunedSum {@code [L][rows]}: the same with block l removed
   * @param tokens per NLL row, the predicted tokens
   * @param hidden the hidden-state metrics (null without NLL rows)
   * @param peers the peer tools' metrics (null without NLL rows)
   * @param mechanism every NLL batch's mechanism measurements in batch order (empty when the audit
   *     measures none)
   * @param mcBase the baseline's per-question multiple-choice scores (null without MC)
   * @param mcPruned {@code [L]}: the same with block l removed
   * @param expertLoad the NLL rows' expert load (the MC rows' without NLL rows), or null
   * @param blockEvaluations blocks run by all chunks
   * @param batches batches of both kinds
   * @param spilledBytes the largest chunk's peak spill
   * @param nllSeconds summed wall time of the NLL chunks
   * @param mcSeconds summed wall time of the MC chunks
   */
  public record Sweeps(
      double[] baseSum,
      double[][] prunedSum,
      double[] tokens,
      HiddenStateMetrics.Values hidden,
      PeerMetrics.Values peers,
      List<MechanismProbe.Partial> mechanism,
      McScoring.Scores mcBase,
      McScoring.Scores[] mcPruned,
      long[][] expertLoad,
      long blockEvaluations,
      int batches,
      long spilledBytes,
      double nllSeconds,
      double mcSeconds) {

    /** The audit's metrics (NLL averages, deltas, accuracies) from the sweep. */
    public AuditResult.Metrics metrics() {
      int layers = prunedSum != null ? prunedSum.length : mcPruned.length;
      Double baseline = null;
      double[] pruned = null;
      double[] delta = null;
      double[] prunedPpl = null;
      double[] relative = null;
      if (baseSum != null) {
        double count = Arrays.stream(tokens).sum();
        baseline = Arrays.stream(baseSum).sum() / count;
        pruned = new double[layers];
        delta = new double[layers];
        prunedPpl = new double[layers];
        relative = new double[layers];
        for (int l = 0; l < layers; l++) {
          pruned[l] = Arrays.stream(prunedSum[l]).sum() / count;
          delta[l] = pruned[l] - baseline;
          prunedPpl[l] = Math.exp(pruned[l]);
          relative[l] = delta[l] / baseline;
        }
      }
      Double mcAcc = null;
      double[] mcP = null;
      double[] mcDelta = null;
      if (mcBase != null) {
        mcAcc = mean(mcBase.acc());
        mcP = new double[layers];
        mcDelta = new double[layers];
        for (int l = 0; l < layers; l++) {
          mcP[l] = mean(mcPruned[l].acc());
          mcDelta[l] = mcP[l] - mcAcc;
        }
      }
      return new AuditResult.Metrics(
          hidden == null ? null : hidden.variance(),
          hidden == null ? null : hidden.angularDistance(),
          hidden == null ? null : hidden.blockInfluence(),
          hidden == null ? null : hidden.lastTokenAngularMatrix(),
          baseline,
          pruned,
          delta,
          baseline == null ? null : Math.exp(baseline),
          prunedPpl,
          relative,
          mcAcc,
          mcP,
          mcDelta,
          expertLoad);
    }

    /** The bootstrap intervals of the metrics. */
    public AuditResult.Uncertainty uncertainty() {
      double[][] pruned = null;
      if (mcPruned != null) {
        pruned = new double[mcPruned.length][];
        for (int l = 0; l < pruned.length; l++) {
          pruned[l] = mcPruned[l].acc();
        }
      }
      return AuditIntervals.of(
          baseSum, prunedSum, tokens, mcBase == null ? null : mcBase.acc(), pruned);
    }
  }

  private static double mean(double[] x) {
    return Arrays.stream(x).average().orElse(Double.NaN);
  }

  /** The sweep from every chunk's result ({@code results.get(i)} of chunk i). */
  public static Sweeps of(AuditPlan plan, List<ChunkResult> results) {
    List<AuditPlan.Chunk> chunks = plan.chunks();
    if (results.size() != chunks.size()) {
      throw new IllegalArgumentException(
          results.size() + " chunk results for a plan of " + chunks.size() + " chunks");
    }
    int layers = plan.layers();
    LayerAudit.Inputs in = plan.inputs();
    double[] baseSum = null;
    double[][] prunedSum = null;
    double[] tokens = null;
    HiddenStateMetrics.Values hidden = null;
    PeerMetrics.Values peers = null;
    if (in.rows() != null) {
      int n = in.rows().length;
      baseSum = new double[n];
      prunedSum = new double[layers][n];
      tokens = new double[n];
      Arrays.fill(tokens, in.rows()[0].length - 1);
    }
    double[] mcScores = in.mc() == null ? null : new double[in.mc().rows().length];
    double[][] mcPrunedScores = in.mc() == null ? null : new double[layers][mcScores.length];
    List<HiddenStateMetrics.Partial> partials = new ArrayList<>();
    List<PeerMetrics.Partial> peerPartials = new ArrayList<>();
    List<MechanismProbe.Partial> mechanism = new ArrayList<>();
    long[][] nllLoad = null;
    long[][] mcLoad = null;
    long evaluations = 0;
    long spilled = 0;
    double nllSeconds = 0;
    double mcSeconds = 0;
    for (AuditPlan.Chunk c : chunks) {
      ChunkResult r = results.get(c.index());
      if (r.chunk() != c.index()) {
        throw new IllegalArgumentException(
            "chunk result " + r.chunk() + " given for chunk " + c.index());
      }
      boolean nll = c.kind() == AuditPlan.Kind.NLL;
      double[] base = nll ? baseSum : mcScores;
      double[][] pruned = nll ? prunedSum : mcPrunedScores;
      int from = plan.firstRow(c);
      System.arraycopy(r.base(), 0, base, from, r.base().length);
      for (int l = 0; l < layers; l++) {
        System.arraycopy(r.pruned()[l], 0, pruned[l], from, r.pruned()[l].length);
      }
      if (nll) {
        partials.addAll(r.hidden());
        peerPartials.addAll(r.peers());
        mechanism.addAll(r.mechanism());
        nllLoad = add(nllLoad, r.expertLoad());
        nllSeconds += r.seconds();
      } else {
        mcLoad = add(mcLoad, r.expertLoad());
        mcSeconds += r.seconds();
      }
      evaluations += r.blockEvaluations();
      spilled = Math.max(spilled, r.spilledBytes());
    }
    if (in.rows() != null) {
      hidden = HiddenStateMetrics.reduce(layers, partials);
      peers = PeerMetrics.reduce(layers, peerPartials);
    }
    McScoring.Scores mcBase = null;
    McScoring.Scores[] mcPruned = null;
    if (in.mc() != null) {
      McBatches mc = plan.mcBatches();
      mcBase = mc.scores(mcScores);
      mcPruned = new McScoring.Scores[layers];
      for (int l = 0; l < layers; l++) {
        mcPruned[l] = mc.scores(mcPrunedScores[l]);
      }
    }
    return new Sweeps(
        baseSum,
        prunedSum,
        tokens,
        hidden,
        peers,
        mechanism,
        mcBase,
        mcPruned,
        in.rows() != null ? nllLoad : mcLoad,
        evaluations,
        plan.batches(),
        spilled,
        nllSeconds,
        mcSeconds);
  }

  /** Element-wise sum of two expert-load tables (null rows for dense layers). */
  private static long[][] add(long[][] a, long[][] b) {
    if (a == null) {
      return b == null
          ? null
          : Arrays.stream(b).map(x -> x == null ? null : x.clone()).toArray(long[][]::new);
    }
    for (int l = 0; l < a.length; l++) {
      if (a[l] != null) {
        for (int e = 0; e < a[l].length; e++) {
          a[l][e] += b[l][e];
        }
      }
    }
    return a;
  }
}
