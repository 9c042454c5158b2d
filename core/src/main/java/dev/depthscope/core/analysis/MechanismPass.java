package dev.depthscope.core.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.NonFiniteException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mechanism measurements ({@link MechanismProbe}: update norms, Jacobian deviation, logit lens)
 * in a baseline pass of their own over the NLL batches, after the chunked sweep: block-major, so a
 * streamed model reads each block once more, at {@code L} block evaluations per batch (the sweep
 * costs {@code L(L+1)/2}). Kept out of the chunks so the sweep's journal and its Spark tasks carry
 * nothing of it; a resumed audit runs this pass again, with the same seeds and the same numbers.
 */
final class MechanismPass {
  private MechanismPass() {}

  /** The measurements of {@code opt} over {@code batches} (NLL batches of the audit's plan). */
  static MechanismProbe run(
      CausalLm lm,
      List<long[][]> batches,
      MechanismProbe.Options opt,
      PruningSweep.ProgressListener progress) {
    MechanismProbe probe = new MechanismProbe(lm, batches, opt);
    int layers = lm.config().numLayers();
    int d = lm.config().hiddenSize();
    long total = (long) layers * batches.size();
    long done = 0;
    float[][] h = new float[batches.size()][];
    try (NDManager m = lm.manager().newSubManager()) {
      Map<Integer, AttentionInputs> attention = new HashMap<>();
      for (int b = 0; b < batches.size(); b++) {
        long[][] ids = batches.get(b);
        attention.computeIfAbsent(ids[0].length, t -> lm.attentionInputs(m, t));
        try (NDManager step = m.newSubManager()) {
          h[b] = lm.embed(step, ids).toFloatArray();
        }
        probe.observe(b, 0, h[b]);
      }
      for (int j = 0; j < layers; j++) {
        for (int b = 0; b < batches.size(); b++) {
          long[][] ids = batches.get(b);
          try (NDManager step = m.newSubManager()) {
            NDArray x = step.create(h[b], new Shape(ids.length, ids[0].length, d));
            NDArray next;
            try {
              next = lm.block(j, x, attention.get(ids[0].length));
            } catch (NonFiniteException e) {
              throw e.on(PruningSweep.where(b, batches.size()) + " (mechanism pass)");
            }
            h[b] = next.toFloatArray();
          }
          probe.observe(b, j + 1, h[b]);
          progress.blockEvaluated(++done, total);
        }
      }
      attention.values().forEach(AttentionInputs::close);
    }
    return probe;
  }
}
