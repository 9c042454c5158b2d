package dev.depthscope.cli;

import ai.djl.Device;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.DepthMeasures;
import dev.depthscope.core.analysis.LayerAudit;
import dev.depthscope.core.analysis.PruningSweep;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.trainer.train.Hyperparameters;
import dev.depthscope.trainer.train.TokenStream;
import dev.depthscope.trainer.train.TrainResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Audits a freshly trained model on the eval batches it was evaluated on during training (the
 * REFERENCE.md eval rows: {@code eval_batches} batches of 16 rows of {@code seq + 1} tokens), so
 * the audit's baseline NLL is the trainer's final eval loss, and writes {@code audit.json} next to
 * the run's {@code curves.json}, and takes the {@link DepthMeasures} of a scheme comparison on the
 * same batches. The model is opened on the device it was trained on.
 */
final class TrainedModelAudit {
  /**
   * Hutchinson probes per deep-half block and batch for the comparison's Jacobian deviation: each
   * sequence carries its own probe average and the interval resamples sequences, so probe noise is
   * inside the interval; two probes keep the cost near two extra passes over the deep half.
   */
  static final int JACOBIAN_PROBES = 2;

  private TrainedModelAudit() {}

  /**
   * What {@link #run} measured.
   *
   * @param audit the audit (also written to {@code audit.json})
   * @param measures per batch and sequence, the raw material of the scheme comparison
   */
  record Audited(AuditResult audit, DepthMeasures measures) {}

  static Audited run(
      TrainResult result, TokenStream eval, Device device, PruningSweep.ProgressListener p)
      throws IOException {
    Hyperparameters h = result.hyperparameters();
    int rowsPerBatch = h.evalBatch();
    long[][] rows = new long[h.evalBatches() * rowsPerBatch][];
    List<long[][]> batches = new ArrayList<>();
    for (int b = 0; b < h.evalBatches(); b++) {
      long[][] batch = eval.batch(b, rowsPerBatch, h.seq());
      batches.add(batch);
      System.arraycopy(batch, 0, rows, b * rowsPerBatch, rowsPerBatch);
    }
    Path modelDir = result.modelDir();
    AuditResult audit;
    DepthMeasures measures;
    try (CausalLm lm = CausalLm.open(modelDir, n -> {}, CausalLm.Residency.RESIDENT, device)) {
      audit =
          LayerAudit.run(
              lm,
              modelDir,
              new LayerAudit.Inputs("eval:" + eval.source(), rows, null),
              new LayerAudit.Options(
                  0.01, rowsPerBatch, PruningSweep.Settings.inMemory().withProgress(p)));
      measures = DepthMeasures.measure(lm, batches, JACOBIAN_PROBES);
    }
    AuditJson.write(audit, modelDir.getParent().resolve("audit.json"));
    return new Audited(audit, measures);
  }
}
