package dev.depthscope.cli;

import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.DepthMeasures;
import dev.depthscope.reports.LabeledAudit;
import dev.depthscope.reports.TrainingCurves;
import dev.depthscope.trainer.train.Norm;
import dev.depthscope.trainer.train.TrainCompare;
import dev.depthscope.trainer.train.TrainResult;
import dev.depthscope.trainer.train.TrainSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What {@code train-compare} and {@code demo} share: one {@link TrainCompare} run per scheme from
 * the same init and data, each trained model audited on the eval batches as soon as it is done (its
 * {@code audit.json} beside its curves, its summary in {@code comparison.json}), with a training
 * bar and an audit bar per scheme.
 *
 * @param results the trained runs, in scheme order
 * @param audits each run's audit under its report label
 * @param curves each run's training curves, for the comparison report
 * @param measures each run's {@link DepthMeasures} on the eval batches, in scheme order
 */
record AuditedComparison(
    List<TrainResult> results,
    List<LabeledAudit> audits,
    List<TrainingCurves> curves,
    List<DepthMeasures> measures) {

  /** Trains and audits every scheme of {@code norms} from {@code base}. */
  static AuditedComparison run(
      TrainSpec base, List<Norm> norms, Function<Norm, String> label, Progress progress)
      throws IOException {
    Map<Norm, Progress.Bar> bars = new IdentityHashMap<>();
    List<LabeledAudit> audits = new ArrayList<>();
    List<TrainingCurves> curves = new ArrayList<>();
    List<DepthMeasures> measures = new ArrayList<>();
    List<TrainResult> results;
    try {
      results =
          TrainCompare.run(
              base,
              norms,
              n ->
                  bars.computeIfAbsent(
                      n,
                      k ->
                          progress.training(
                              "train " + k.cliName(), base.hyperparameters().steps())),
              result -> {
                Progress.Bar bar = bars.get(result.norm());
                if (bar != null) {
                  bar.close();
                }
                AuditResult audit;
                try (Progress.Bar sweep = progress.sweep("audit " + result.norm().cliName())) {
                  TrainedModelAudit.Audited a =
                      TrainedModelAudit.run(result, base.eval(), base.device(), sweep);
                  audit = a.audit();
                  measures.add(a.measures());
                }
                audits.add(new LabeledAudit(label.apply(result.norm()), audit));
                curves.addAll(
                    TrainingCurves.read(result.modelDir().getParent().resolve("curves.json")));
                return AuditJson.gson().toJsonTree(audit.summary()).getAsJsonObject();
              });
    } finally {
      bars.values().forEach(Progress.Bar::close);
    }
    return new AuditedComparison(results, audits, curves, measures);
  }

  /** The runs as {@code --json} prints them. */
  List<TrainedRun> runs() {
    return TrainedRun.audited(results, audits);
  }
}
