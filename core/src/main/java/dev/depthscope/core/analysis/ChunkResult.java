package dev.depthscope.core.analysis;

import java.io.Serializable;
import java.util.List;

/**
 * What one {@link AuditPlan.Chunk} of the sweep measured, as per-row and per-batch sufficient
 * statistics, so that {@link AuditAssembly} gives the same result to the bit however the batches
 * were grouped into chunks, in which process or in which order the chunks ran. A resumed audit
 * reads it back from its journal ({@link ChunkCodec}); a distributed driver collects it from its
 * workers (the record is {@link Serializable}).
 *
 * @param chunk the chunk's index in the plan
 * @param base per row of the chunk (in batch order): for NLL chunks the summed baseline NLL of the
 *     row (nats), for multiple-choice chunks the score of the row's choice
 * @param pruned {@code [L][rows]}: the same with block l removed
 * @param hidden the hidden-state partial sums of each batch (NLL chunks; empty for MC chunks)
 * @param peers the peer metrics' partial sums of each batch (NLL chunks; empty for MC chunks)
 * @param mechanism the mechanism measurements of each batch ({@link MechanismProbe}; NLL chunks of
 *     an audit that measures them, else empty)
 * @param expertLoad tokens routed to each expert per layer in the baseline pass ({@code [L][E]},
 *     null rows for dense layers), or null for a dense model
 * @param blockEvaluations blocks run
 * @param spilledBytes peak bytes of states spilled to disk
 * @param seconds wall time of the chunk (not a metric: it does not enter the assembled numbers)
 */
public record ChunkResult(
    int chunk,
    double[] base,
    double[][] pruned,
    List<HiddenStateMetrics.Partial> hidden,
    List<PeerMetrics.Partial> peers,
    List<MechanismProbe.Partial> mechanism,
    long[][] expertLoad,
    long blockEvaluations,
    long spilledBytes,
    double seconds)
    implements Serializable {
  private static final long serialVersionUID = 1L;

  public ChunkResult {
    hidden = List.copyOf(hidden);
    peers = List.copyOf(peers);
    mechanism = List.copyOf(mechanism);
  }
}
