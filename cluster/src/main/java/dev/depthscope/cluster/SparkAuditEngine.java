package dev.depthscope.cluster;

import dev.depthscope.core.analysis.AuditChunks;
import dev.depthscope.core.analysis.AuditEngine;
import dev.depthscope.core.analysis.AuditJournal;
import dev.depthscope.core.analysis.AuditPlan;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.ChunkResult;
import dev.depthscope.core.analysis.LayerAudit;
import dev.depthscope.core.analysis.MechanismProbe;
import dev.depthscope.core.analysis.PruningSweep;
import dev.depthscope.core.model.CausalLm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The audit on Apache Spark ({@code --spark MASTER}). The driver has tokenized the data once and
 * makes the {@link AuditPlan}; its chunks (at least one per partition) go to the executors in
 * contiguous ranges, one per task, as token ids; each task opens the model from the path every
 * executor reads, runs its chunks with the streaming sweep ({@link AuditChunks}, the mechanism
 * measurements included) and returns their {@link ChunkResult}s. The driver then runs the
 * single-process audit code on those results ({@link LayerAudit} with a {@link SparkJournal}):
 * assembly in batch order, intervals, summary and report are the same arithmetic as in one process,
 * and every joint pass after the sweep (the summary's cut, each step of a removal search) is one
 * more Spark job over the batches. The driver records each finished chunk and joint pass in the
 * request's journal as its task ends, so {@code --resume} continues a killed Spark audit as it does
 * a single-process one.
 */
public final class SparkAuditEngine implements AuditEngine {
  private static final Pattern LOCAL = Pattern.compile("local\\[(\\d+|\\*)(,\\d+)?\\]");
  private final Map<String, String> extraConf;

  /** The engine ServiceLoader finds: Spark settings from spark-submit or system properties. */
  public SparkAuditEngine() {
    this(Map.of());
  }

  /** An engine adding {@code extraConf} to every context it starts (tests, benchmarks). */
  public SparkAuditEngine(Map<String, String> extraConf) {
    this.extraConf = Map.copyOf(extraConf);
  }

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public AuditResult run(Request r) {
    LayerAudit.Options opt = r.options();
    Path workerDir = r.workerModelDir() != null ? r.workerModelDir() : r.modelDir();
    int layers = r.lm().config().numLayers();
    PruningSweep.ProgressListener progress = opt.sweep().progress();
    try (JavaSparkContext sc = SparkContexts.start(r.master(), extraConf)) {
      int partitions = r.partitions() != null ? r.partitions() : sc.defaultParallelism();
      AuditPlan plan =
          AuditPlan.of(
              layers, r.inputs(), opt.batchRows(), Math.max(AuditPlan.TARGET_CHUNKS, partitions));
      ExecutorSettings settings =
          new ExecutorSettings(opt.sweep().memoryBudget() / tasksPerExecutor(sc.getConf()));
      int tasks = Math.max(1, Math.min(partitions, plan.chunks().size()));
      if (progress != null) {
        progress.phase(
            String.format(
                "spark %s: %d chunks in %d tasks", r.master(), plan.chunks().size(), tasks));
      }
      long t0 = System.nanoTime();
      AuditJournal file = r.journal().apply(plan);
      // Chunks a killed run finished come from the journal; the executors run the rest.
      ChunkResult[] chunks = new ChunkResult[plan.chunks().size()];
      List<Integer> missing = new ArrayList<>();
      AtomicLong done = new AtomicLong();
      for (int c = 0; c < chunks.length; c++) {
        chunks[c] = file.chunk(c);
        if (chunks[c] == null) {
          missing.add(c);
        } else {
          done.addAndGet(plan.blockEvaluations(plan.chunks().get(c)));
        }
      }
      if (progress != null) {
        progress.blockEvaluated(done.get(), plan.blockEvaluations());
      }
      int[] run = missing.stream().mapToInt(Integer::intValue).toArray();
      MechanismProbe.Options mechanism = opt.mechanism();
      ClusterJob.Outcome<ChunkResult> sweep =
          run.length == 0
              ? new ClusterJob.Outcome<>(List.of(), List.of(), 0)
              : ClusterJob.run(
                  sc,
                  workerDir,
                  run.length,
                  partitions,
                  (lm, first, end) -> chunks(lm, plan, run, first, end, settings, mechanism),
                  (first, end, results) -> {
                    long d = 0;
                    for (ChunkResult c : results) {
                      file.chunkDone(c);
                      chunks[c.chunk()] = c;
                      d += plan.blockEvaluations(plan.chunks().get(c.chunk()));
                    }
                    if (progress != null) {
                      progress.blockEvaluated(done.addAndGet(d), plan.blockEvaluations());
                    }
                  });
      double sweepSeconds = (System.nanoTime() - t0) / 1e9;
      SparkJournal journal =
          new SparkJournal(
              sc, workerDir, plan, tasks, settings, List.of(chunks), sweep.executors(), file);
      AuditResult result = LayerAudit.run(r.lm(), r.modelDir(), r.modelName(), opt, journal, plan);
      result.timings().put("spark_sweep_seconds", sweepSeconds);
      result.timings().put("total_seconds", (System.nanoTime() - t0) / 1e9);
      return result.withEngine(
          new AuditResult.Engine("spark", r.master(), journal.partitions(), journal.executors()));
    }
  }

  /** Chunks {@code run[first .. end)} of {@code plan}. */
  private static List<ChunkResult> chunks(
      CausalLm lm,
      AuditPlan plan,
      int[] run,
      int first,
      int end,
      ExecutorSettings settings,
      MechanismProbe.Options mechanism) {
    List<ChunkResult> out = new ArrayList<>();
    for (int k = first; k < end; k++) {
      out.add(AuditChunks.run(lm, plan, run[k], settings.sweep(), mechanism));
    }
    return out;
  }

  /**
   * How many tasks an executor runs side by side, which share its memory budget: {@code local[N]}'s
   * N (or {@code spark.executor.cores}) over {@code spark.task.cpus}.
   */
  static int tasksPerExecutor(SparkConf conf) {
    String master = conf.get("spark.master", "");
    int cores = conf.getInt("spark.executor.cores", 1);
    Matcher m = LOCAL.matcher(master);
    if (m.matches()) {
      cores =
          m.group(1).equals("*")
              ? Runtime.getRuntime().availableProcessors()
              : Integer.parseInt(m.group(1));
    }
    return Math.max(1, cores / Math.max(1, conf.getInt("spark.task.cpus", 1)));
  }
}
