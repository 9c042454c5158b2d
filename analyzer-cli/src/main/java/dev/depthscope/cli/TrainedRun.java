package dev.depthscope.cli;

import dev.depthscope.core.analysis.AuditSummary;
import dev.depthscope.reports.LabeledAudit;
import dev.depthscope.trainer.train.TrainResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One trained model as {@code train}, {@code train-compare} and {@code demo} print it with {@code
 * --json}: where it went and the numbers worth comparing, without the per-step curves (those are in
 * {@code curves.json}).
 *
 * @param norm the norm scheme (pre, lns, post, mix)
 * @param finalEvalLoss eval loss after the last step, in nats
 * @param tokensPerSecond training throughput
 * @param parameters trained scalars
 * @param steps optimizer steps
 * @param trainSeconds wall time of the steps
 * @param modelDir the exported Hugging Face checkpoint
 * @param curves the run's {@code curves.json}
 * @param audit the trained model's {@code audit.json}, or null when it was not audited
 * @param auditSummary the audit's summary (variance growth, ineffective layers), or null
 */
record TrainedRun(
    String norm,
    double finalEvalLoss,
    double tokensPerSecond,
    long parameters,
    int steps,
    double trainSeconds,
    String modelDir,
    String curves,
    String audit,
    AuditSummary auditSummary) {

  /** The run without an audit. */
  static TrainedRun of(TrainResult r) {
    return new TrainedRun(
        r.norm().cliName(),
        r.finalEvalLoss(),
        r.tokensPerSecond(),
        r.parameters(),
        r.hyperparameters().steps(),
        r.trainSeconds(),
        r.modelDir().toString(),
        r.modelDir().resolveSibling("curves.json").toString(),
        null,
        null);
  }

  /** The run with its audit file and summary. */
  static TrainedRun audited(TrainResult r, Path auditJson, AuditSummary summary) {
    TrainedRun t = of(r);
    return new TrainedRun(
        t.norm,
        t.finalEvalLoss,
        t.tokensPerSecond,
        t.parameters,
        t.steps,
        t.trainSeconds,
        t.modelDir,
        t.curves,
        auditJson.toString(),
        summary);
  }

  /** Each run with the audit at the same index, whose {@code audit.json} sits beside its model. */
  static List<TrainedRun> audited(List<TrainResult> results, List<LabeledAudit> audits) {
    List<TrainedRun> runs = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      TrainResult r = results.get(i);
      runs.add(
          audited(r, r.modelDir().resolveSibling("audit.json"), audits.get(i).audit().summary()));
    }
    return runs;
  }
}
