package dev.depthscope.trainer.train;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Trains one model per norm scheme from the same init and data ({@code out/<scheme>/}), then writes
 * {@code out/comparison.json} with the curves side by side. Each trained model is handed to a
 * {@link TrainedModelHook}: the seam where the audit and report of every model will plug in.
 */
public final class TrainCompare {
  /**
   * Receives each trained model as soon as its run finishes (its checkpoint is {@link
   * TrainResult#modelDir()}); returns an optional JSON summary stored under the scheme's entry in
   * {@code comparison.json} as {@code "audit"} (null for none).
   */
  @FunctionalInterface
  public interface TrainedModelHook {
    /** Does nothing. */
    TrainedModelHook NONE = result -> null;

    /** Called with a finished run. */
    JsonObject trained(TrainResult result) throws IOException;
  }

  private TrainCompare() {}

  /**
   * Runs {@code base} once per scheme of {@code norms}, in order; {@code listeners} gives the
   * progress listener of each run.
   */
  public static List<TrainResult> run(
      TrainSpec base,
      List<Norm> norms,
      Function<Norm, StepListener> listeners,
      TrainedModelHook hook)
      throws IOException {
    if (norms.isEmpty()) {
      throw new IllegalArgumentException("--norms names no scheme");
    }
    if (norms.stream().distinct().count() != norms.size()) {
      throw new IllegalArgumentException("--norms lists a scheme twice: " + norms);
    }
    List<TrainResult> results = new ArrayList<>();
    List<JsonObject> audits = new ArrayList<>();
    for (Norm n : norms) {
      TrainResult r =
          Trainer.run(base.with(n, base.out().resolve(n.cliName())), listeners.apply(n));
      results.add(r);
      audits.add(hook.trained(r));
    }
    JsonFiles.write(base.out().resolve("comparison.json"), comparisonJson(results, audits));
    return results;
  }

  /**
   * {@code comparison.json}: per scheme the final eval loss, throughput, paths, and the loss and
   * eval curves ({@code [step, loss]} / {@code [step, eval_loss]}).
   */
  static JsonObject comparisonJson(List<TrainResult> results, List<JsonObject> audits) {
    JsonObject o = new JsonObject();
    JsonArray order = new JsonArray();
    JsonObject runs = new JsonObject();
    for (int i = 0; i < results.size(); i++) {
      TrainResult r = results.get(i);
      order.add(r.norm().cliName());
      JsonObject run = new JsonObject();
      run.addProperty("final_eval_loss", r.finalEvalLoss());
      run.addProperty("tokens_per_second", r.tokensPerSecond());
      run.addProperty("model_dir", r.modelDir().toString());
      run.addProperty("curves", r.modelDir().resolveSibling("curves.json").toString());
      JsonArray losses = new JsonArray();
      for (double[] row : r.losses()) {
        JsonArray a = new JsonArray();
        a.add((long) row[0]);
        a.add(row[1]);
        losses.add(a);
      }
      run.add("losses", losses);
      JsonArray evals = new JsonArray();
      for (double[] row : r.evals()) {
        JsonArray a = new JsonArray();
        a.add((long) row[0]);
        a.add(row[1]);
        evals.add(a);
      }
      run.add("evals", evals);
      if (audits.get(i) != null) {
        run.add("audit", audits.get(i));
      }
      runs.add(r.norm().cliName(), run);
    }
    o.add("norms", order);
    o.add("hyperparameters", Trainer.curvesJson(results.get(0)).get("hyperparameters"));
    o.add("runs", runs);
    return o;
  }
}
