package dev.depthscope.cli;

import dev.depthscope.core.analysis.AuditEngine;
import dev.depthscope.core.analysis.AuditJournal;
import dev.depthscope.core.analysis.AuditPlan;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.LayerAudit;
import dev.depthscope.core.model.CausalLm;
import java.nio.file.Path;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * {@code --spark MASTER} and its companions for {@code audit}: run the audit's sweeps on Apache
 * Spark. The engine lives in the {@code cluster} module and is found through {@link AuditEngine}'s
 * ServiceLoader lookup, so this command line does not depend on Spark: {@code ./depthscope-spark}
 * (or {@code spark-submit} with the cluster module's application jar) puts it on the class path;
 * the plain {@code ./depthscope} refuses {@code --spark} with a message saying so.
 */
final class SparkOption {
  /** Where the engine comes from, for the error without it. */
  static final String NEEDS =
      "--spark needs the cluster module: run ./depthscope-spark instead of ./depthscope (build it"
          + " with mvn -B -q package -DskipTests), or spark-submit"
          + " cluster/target/depthscope-spark.jar (see README, \"Audits on Spark\")";

  @Option(
      names = "--spark",
      paramLabel = "MASTER",
      description =
          "Run the sweeps on Apache Spark: local[N] (N worker threads in this JVM), or, through"
              + " spark-submit with the cluster module's jar, spark://HOST:PORT, yarn or"
              + " k8s://... . The driver tokenizes once and ships token ids; every executor opens"
              + " the model from the same path. Needs ./depthscope-spark. Example:"
              + " ./depthscope-spark audit MODEL --text eval.txt --spark 'local[2]'")
  String master;

  @Option(
      names = "--spark-partitions",
      paramLabel = "N",
      description =
          "Parts the evaluation batches are split into (default: Spark's default parallelism,"
              + " at most one per batch); --resume continues an audit with the same N.")
  Integer partitions;

  @Option(
      names = "--spark-model-path",
      paramLabel = "DIR",
      description =
          "The model directory as the executors see it (default: the path the driver opened;"
              + " a shared file system or the same Hugging Face cache path on every node).")
  Path workerModel;

  /** True when {@code --spark} was given. */
  boolean engaged() {
    return master != null;
  }

  /**
   * Checks the options and finds the engine before the model opens; null without {@code --spark}.
   */
  AuditEngine require() {
    if (master == null) {
      if (partitions != null || workerModel != null) {
        throw new IllegalArgumentException(
            "--spark-partitions and --spark-model-path apply to a Spark run: pass --spark MASTER"
                + " as well");
      }
      return null;
    }
    if (master.isBlank()) {
      throw new IllegalArgumentException("--spark needs a master, e.g. local[2] or yarn");
    }
    if (partitions != null && partitions < 1) {
      throw new IllegalArgumentException(
          "--spark-partitions must be at least 1, found " + partitions);
    }
    return AuditEngine.named("spark", NEEDS);
  }

  /** Runs the audit on {@code engine} (from {@link #require()}). */
  AuditResult run(
      AuditEngine engine,
      CausalLm lm,
      Path dir,
      String name,
      LayerAudit.Inputs inputs,
      LayerAudit.Options options,
      Function<AuditPlan, AuditJournal> journal) {
    return engine.run(
        new AuditEngine.Request(
            master, partitions, workerModel, lm, dir, name, inputs, options, journal));
  }
}
