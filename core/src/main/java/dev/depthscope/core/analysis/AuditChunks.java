package dev.depthscope.core.analysis;

import dev.depthscope.core.model.CausalLm;
import java.util.List;

/**
 * Runs one chunk of an audit's sweep ({@link AuditPlan.Chunk}): the block-major pruning sweep over
 * the chunk's batches ({@link PruningSweep}), with the hidden-state, peer and mechanism metrics of
 * NLL batches, and reduces what it measured to a {@link ChunkResult}. Chunks are independent: any
 * subset can run in any process, in any order.
 */
public final class AuditChunks {
  private AuditChunks() {}

  /**
   * Runs chunk {@code index} of {@code plan} on {@code lm}.
   *
   * @param settings memory budget, spill directory and progress (counted within the chunk)
   */
  public static ChunkResult run(
      CausalLm lm, AuditPlan plan, int index, PruningSweep.Settings settings) {
    return run(lm, plan, index, settings, null);
  }

  /**
   * Runs chunk {@code index} of {@code plan} on {@code lm}, measuring the mechanism of its NLL
   * batches as {@code mechanism} says (null: not at all).
   */
  public static ChunkResult run(
      CausalLm lm,
      AuditPlan plan,
      int index,
      PruningSweep.Settings settings,
      MechanismProbe.Options mechanism) {
    long t0 = System.nanoTime();
    AuditPlan.Chunk chunk = plan.chunks().get(index);
    int layers = plan.layers();
    if (lm.config().numLayers() != layers) {
      throw new IllegalArgumentException(
          "the plan is for " + layers + " blocks, the model has " + lm.config().numLayers());
    }
    List<SweepBatch> batches = plan.batchRows(chunk);
    int first = chunk.firstBatch();
    int of = plan.batches(chunk.kind());
    if (chunk.kind() == AuditPlan.Kind.NLL) {
      int seqLen = batches.get(0).length();
      int[] shapeRows = batches.stream().mapToInt(SweepBatch::rows).toArray();
      int[] shapeLens = batches.stream().mapToInt(x -> seqLen).toArray();
      HiddenStateMetrics metrics =
          new HiddenStateMetrics(layers, lm.config().hiddenSize(), shapeRows, shapeLens);
      PeerMetrics peers =
          new PeerMetrics(layers, lm.config().hiddenSize(), shapeRows, shapeLens, lm::finalNorm);
      MechanismProbe probe =
          mechanism == null
              ? null
              : new MechanismProbe(
                  lm, batches.stream().map(SweepBatch::ids).toList(), mechanism, first);
      PruningSweep.HiddenStateObserver both =
          (b, l, h) -> {
            metrics.observe(b, l, h);
            peers.observe(b, l, h);
            if (probe != null) {
              probe.observe(b, l, h);
            }
          };
      PruningSweep.Result r = PruningSweep.runBatches(lm, batches, both, settings, first, of);
      int n = 0;
      for (SweepBatch b : batches) {
        n += b.rows();
      }
      double[] base = new double[n];
      double[][] pruned = new double[layers][n];
      int row = 0;
      for (int b = 0; b < batches.size(); b++) {
        for (int i = 0; i < batches.get(b).rows(); i++, row++) {
          base[row] = LayerAudit.rowSum(r.baseline()[b], i, seqLen - 1);
          for (int l = 0; l < layers; l++) {
            pruned[l][row] = LayerAudit.rowSum(r.pruned()[b][l], i, seqLen - 1);
          }
        }
      }
      return new ChunkResult(
          index,
          base,
          pruned,
          metrics.partials(),
          peers.partials(),
          probe == null ? List.of() : probe.partials(),
          r.expertLoad(),
          r.blockEvaluations(),
          r.spilledBytes(),
          (System.nanoTime() - t0) / 1e9);
    }
    McBatches mc = plan.mcBatches();
    PruningSweep.Result r = PruningSweep.runBatches(lm, batches, null, settings, first, of);
    int end = chunk.endBatch();
    double[][] pruned = new double[layers][];
    for (int l = 0; l < layers; l++) {
      int removed = l;
      pruned[l] = mc.rowScores(first, end, b -> r.pruned()[b][removed]);
    }
    return new ChunkResult(
        index,
        mc.rowScores(first, end, b -> r.baseline()[b]),
        pruned,
        List.of(),
        List.of(),
        List.of(),
        r.expertLoad(),
        r.blockEvaluations(),
        r.spilledBytes(),
        (System.nanoTime() - t0) / 1e9);
  }
}
