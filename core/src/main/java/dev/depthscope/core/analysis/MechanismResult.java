package dev.depthscope.core.analysis;

import java.util.List;

/**
 * The Curse-of-Depth mechanism measured on the audit's data (the {@code mechanism} object of {@code
 * audit.json}; definitions in docs/MECHANISM.md). Per block l = 0..L-1 unless noted; any part not
 * measured is null. Intervals are 95% percentile-bootstrap rows {@code [low, high]} over sequences
 * (each carrying its own probe average, so probe noise is inside them).
 *
 * @param jacobianProbes Hutchinson probes per block and batch (null when the Jacobian was not
 *     measured)
 * @param jacobianSeed the seed the probes were drawn from
 * @param jacobianDeviation {@code ||J_l - I||_F / sqrt(B*T*D)} over all evaluation positions
 * @param jacobianDeviationInterval its interval per block
 * @param jacobianRelativeSe the relative standard error of each estimate from the probes alone
 *     (spread of the K probe totals; null with one probe)
 * @param routingHeldFixed true for a mixture-of-experts model: the derivative there holds the
 *     routing at its value
 * @param relativeUpdateNorm {@code ||F_l(H) - H||_F / ||H||_F}, H = h_l of every sequence
 * @param relativeUpdateNormInterval its interval per block
 * @param logitLensNll {@code [L+1]}: mean next-token NLL (nats) of h_l through the final norm and
 *     LM head; the last entry is {@code baseline_nll}
 * @param logitLensTop1Agreement {@code [L+1]}: share of positions whose argmax at h_l is the full
 *     model's
 */
public record MechanismResult(
    Integer jacobianProbes,
    Long jacobianSeed,
    double[] jacobianDeviation,
    List<double[]> jacobianDeviationInterval,
    double[] jacobianRelativeSe,
    Boolean routingHeldFixed,
    double[] relativeUpdateNorm,
    List<double[]> relativeUpdateNormInterval,
    double[] logitLensNll,
    double[] logitLensTop1Agreement) {}
