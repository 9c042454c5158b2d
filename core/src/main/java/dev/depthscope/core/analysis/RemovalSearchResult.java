package dev.depthscope.core.analysis;

import java.util.List;

/**
 * What a removal search measured ({@code removal_search} in {@code audit.json}). Each strategy
 * lists one chosen set per number of removed blocks k = 1..K, in order.
 *
 * @param removeUpTo K, the largest number of blocks removed together
 * @param greedy SLEB's rule: step k removes, on top of the k-1 blocks already chosen, the block
 *     whose joint removal raises the NLL least (null when not searched)
 * @param contiguousByAngle for each n, the window of n consecutive blocks [a, a+n-1] whose {@code
 *     last_token_angular_matrix[a][n]} is smallest (Gromov et al., PruneMe), with its measured
 *     joint NLL (null when not searched)
 * @param contiguousByNll for each n, the window of n consecutive blocks with the smallest measured
 *     joint NLL among all L-n+1 windows (null when not searched)
 * @param blockEvaluations block evaluations the search ran, beyond the pruning sweep (step k = 1
 *     and windows of one block are the sweep's own single-block removals)
 * @param strategyBlockEvaluations block evaluations each strategy would need alone: {@code greedy},
 *     {@code contiguous} (both contiguous lists come from one pass over all windows)
 */
public record RemovalSearchResult(
    int removeUpTo,
    List<RemovedSet> greedy,
    List<RemovedSet> contiguousByAngle,
    List<RemovedSet> contiguousByNll,
    long blockEvaluations,
    java.util.Map<String, Long> strategyBlockEvaluations) {}
