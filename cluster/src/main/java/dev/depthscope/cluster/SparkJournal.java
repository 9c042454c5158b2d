package dev.depthscope.cluster;

import dev.depthscope.core.analysis.AuditJournal;
import dev.depthscope.core.analysis.AuditPlan;
import dev.depthscope.core.analysis.ChunkResult;
import dev.depthscope.core.analysis.JointPasses;
import dev.depthscope.core.analysis.JointRemoval;
import dev.depthscope.core.analysis.PruningSweep;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The journal a Spark audit hands to {@link dev.depthscope.core.analysis.LayerAudit} on the driver:
 * it holds every chunk of the sweep, computed by the executors, and runs each joint pass the audit
 * asks for (the summary's cut, every step of the removal search, their multiple-choice accuracy) as
 * a Spark job over the pass's batches. The audit's own code then assembles, searches and summarises
 * exactly as in one process.
 */
final class SparkJournal implements AuditJournal {
  private final JavaSparkContext sc;
  private final Path modelDir;
  private final AuditPlan plan;
  private final int partitions;
  private final ExecutorSettings settings;
  private final List<ChunkResult> chunks;
  private final Set<String> executors = new LinkedHashSet<>();
  private final AuditJournal file;
  private int jobs;

  /**
   * @param chunks every chunk of {@code plan}, in order
   * @param executors the executors that ran them
   * @param file the run's own journal: joint passes are taken from it and recorded in it
   */
  SparkJournal(
      JavaSparkContext sc,
      Path modelDir,
      AuditPlan plan,
      int partitions,
      ExecutorSettings settings,
      List<ChunkResult> chunks,
      List<String> executors,
      AuditJournal file) {
    this.sc = sc;
    this.modelDir = modelDir;
    this.plan = plan;
    this.partitions = partitions;
    this.settings = settings;
    this.chunks = chunks;
    this.executors.addAll(executors);
    this.file = file;
  }

  @Override
  public ChunkResult chunk(int index) {
    return chunks.get(index);
  }

  @Override
  public void chunkDone(ChunkResult result) {
    throw new IllegalStateException("chunk " + result.chunk() + " ran on the driver");
  }

  @Override
  public JointPass pass(String key) {
    return pass(key, null);
  }

  /** The pass from the run's journal, or run as a Spark job, telling {@code progress} per range. */
  @Override
  public JointPass pass(String key, PruningSweep.ProgressListener progress) {
    JointPass recorded = file.pass(key);
    if (recorded != null) {
      return recorded;
    }
    JointPasses.Request request = JointPasses.parse(key);
    AuditPlan p = plan;
    ExecutorSettings s = settings;
    int batches = plan.batches(request.kind());
    List<int[]> sets = new ArrayList<>();
    for (List<Integer> set : request.sets()) {
      sets.add(set.stream().mapToInt(Integer::intValue).toArray());
    }
    long perBatch = JointRemoval.cost(plan.layers(), sets);
    AtomicLong done = new AtomicLong();
    ClusterJob.Outcome<JointPasses.Part> out =
        ClusterJob.run(
            sc,
            modelDir,
            batches,
            partitions,
            (lm, first, end) -> List.of(JointPasses.run(lm, p, request, first, end, s.sweep())),
            (first, end) -> {
              long d = done.addAndGet((end - first) * perBatch);
              if (progress != null && perBatch > 0) {
                progress.blockEvaluated(d, batches * perBatch);
              }
            });
    executors.addAll(out.executors());
    jobs++;
    JointPass pass = JointPasses.assemble(plan, request, out.results());
    file.passDone(key, pass);
    return pass;
  }

  /** Recorded by {@link #pass} itself, which runs the pass. */
  @Override
  public void passDone(String key, JointPass pass) {}

  /** The partitions the sweep's chunks were split into. */
  int partitions() {
    return partitions;
  }

  /** Every executor that ran a task of the audit, in order of first use. */
  List<String> executors() {
    return List.copyOf(executors);
  }

  /** The joint passes run as Spark jobs. */
  int jobs() {
    return jobs;
  }
}
