package dev.depthscope.cli;

import com.google.gson.JsonObject;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.DepthMeasures;
import dev.depthscope.core.analysis.SchemeComparison;
import dev.depthscope.trainer.train.Norm;
import dev.depthscope.trainer.train.TrainSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * {@code train-compare --seeds N} and the demo: one {@link AuditedComparison} per seed, and the
 * {@link SchemeComparison} of all of them (bootstrap intervals with one seed, the spread over the
 * seeds with several).
 *
 * @param seeds the seeds, in run order
 * @param runs per seed, the trained and audited schemes
 * @param comparison the symptoms with their intervals
 */
record SeededComparison(
    List<Long> seeds, List<AuditedComparison> runs, SchemeComparison comparison) {

  /** The file beside {@code comparison.json} that holds {@link #comparison}. */
  static final String FILE = "scheme-comparison.json";

  /**
   * Runs {@code specs.apply(seed)} for each of {@code n} seeds from {@code firstSeed} (each spec
   * already carries its seed, data order and output directory).
   */
  static SeededComparison run(
      long firstSeed,
      int n,
      Function<Long, TrainSpec> specs,
      List<Norm> norms,
      Function<Norm, String> label,
      Progress progress,
      Consumer<String> status)
      throws IOException {
    if (n < 1) {
      throw new IllegalArgumentException("--seeds must be at least 1, got " + n);
    }
    List<Long> seeds = new ArrayList<>();
    List<AuditedComparison> runs = new ArrayList<>();
    List<List<DepthMeasures>> measures = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      long seed = firstSeed + k;
      if (n > 1) {
        status.accept("seed " + seed + " (" + (k + 1) + " of " + n + ")");
      }
      AuditedComparison c = AuditedComparison.run(specs.apply(seed), norms, label, progress);
      seeds.add(seed);
      runs.add(c);
      measures.add(c.measures());
    }
    List<String> labels = norms.stream().map(label).toList();
    return new SeededComparison(seeds, runs, SchemeComparison.of(labels, measures));
  }

  /**
   * The train-compare spec of seed {@code seed}: init seed {@code seed}, and unless it is the first
   * seed the train stream rotated to a seed-dependent start; with several seeds each writes to
   * {@code OUT/seed-<seed>/}.
   */
  static TrainSpec trainCompareSpec(TrainSpec base, long firstSeed, int n, long seed) {
    var h = base.hyperparameters().withSeed(seed);
    var train =
        seed == firstSeed
            ? base.train()
            : base.train().rotated(new SplittableRandom(seed).nextLong());
    var out = n == 1 ? base.out() : base.out().resolve("seed-" + seed);
    return new TrainSpec(
        base.norm(),
        base.scaledInit(),
        base.init(),
        base.shape(),
        h,
        train,
        base.eval(),
        base.tokenizerDir(),
        out,
        base.device());
  }

  /** {@code scheme-comparison.json}: the seeds and the comparison (snake_case). */
  JsonObject json() {
    JsonObject o = new JsonObject();
    o.add("seeds", AuditJson.gson().toJsonTree(seeds));
    o.add("comparison", AuditJson.gson().toJsonTree(comparison));
    return o;
  }

  /** {@link #json} as the text of {@link #FILE}. */
  String jsonText() {
    return AuditJson.gson().newBuilder().setPrettyPrinting().create().toJson(json()) + "\n";
  }
}
