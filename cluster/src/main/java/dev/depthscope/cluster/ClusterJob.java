package dev.depthscope.cluster;

import dev.depthscope.cluster.ExecutorModel.ModelMissingOnExecutor;
import dev.depthscope.core.model.CausalLm;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One Spark job over units of work {@code 0..units-1}: they are split into contiguous ranges, one
 * per partition; each task sizes libtorch's threads to its cores, opens the model from {@code
 * modelDir} on its executor, runs its units in order and returns their results. The driver gets
 * every result back in unit order, whatever the partitioning and whichever attempt of a task
 * succeeded, so a merge in that order is the same arithmetic as in one process.
 */
final class ClusterJob {
  private ClusterJob() {}

  /**
   * What the job returned.
   *
   * @param results one per unit, in unit order
   * @param executors the executors ({@code host/id}) that ran the tasks, in partition order
   * @param partitions the partitions the units were split into
   */
  record Outcome<T>(List<T> results, List<String> executors, int partitions) {}

  /** One task's results, with who ran it. */
  record TaskOutput<T>(String executor, ArrayList<T> results) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  /**
   * Runs {@code work} on units {@code 0..units-1} in {@code partitions} tasks (at most one per
   * unit), each on a contiguous range. {@code done} hears of each finished task's range (on the
   * driver; a retried task is heard of once). A model path an executor cannot read fails with an
   * {@link IllegalArgumentException} naming its host and the path.
   */
  static <T extends Serializable> Outcome<T> run(
      JavaSparkContext sc,
      Path modelDir,
      int units,
      int partitions,
      RangeWork<T> work,
      RangeListener done) {
    int parts = Math.max(1, Math.min(partitions, units));
    List<int[]> ranges = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      ranges.add(
          new int[] {(int) ((long) units * p / parts), (int) ((long) units * (p + 1) / parts)});
    }
    String dir = modelDir.toString();
    int failOnce = FailureHook.partition(sc.getConf());
    List<TaskOutput<T>> outputs;
    TaskProgress listener = new TaskProgress(ranges, done);
    sc.sc().addSparkListener(listener);
    try {
      outputs =
          sc.parallelize(ranges, parts).map(range -> task(dir, range, failOnce, work)).collect();
    } catch (Exception e) { // Scala code throws the checked SparkException undeclared
      if (!(e instanceof SparkException)) {
        throw e;
      }
      throw driverError((SparkException) e);
    } finally {
      sc.sc().removeSparkListener(listener);
    }
    List<T> results = new ArrayList<>();
    Set<String> executors = new LinkedHashSet<>();
    for (TaskOutput<T> o : outputs) {
      results.addAll(o.results());
      executors.add(o.executor());
    }
    return new Outcome<>(results, List.copyOf(executors), parts);
  }

  /** Hears of each finished range {@code first .. end} of units. */
  @FunctionalInterface
  interface RangeListener {
    /** Units {@code first .. end} are done. */
    void done(int first, int end);

    /** A listener that ignores everything. */
    RangeListener NONE = (first, end) -> {};
  }

  private static <T extends Serializable> TaskOutput<T> task(
      String dir, int[] range, int failOnce, RangeWork<T> work) {
    FailureHook.check(failOnce);
    ExecutorThreads.sizeToTask();
    ArrayList<T> out;
    try (CausalLm lm = ExecutorModel.open(Path.of(dir))) {
      out = new ArrayList<>(work.run(lm, range[0], range[1]));
    }
    return new TaskOutput<>(Executors.name(), out);
  }

  /** The job's failure as one line: the executor's own message when it is ours. */
  static RuntimeException driverError(SparkException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ModelMissingOnExecutor) {
        return new IllegalArgumentException(t.getMessage(), e);
      }
    }
    String text = String.valueOf(e.getMessage());
    int at = text.indexOf(ModelMissingOnExecutor.MARK);
    if (at >= 0) {
      int end = text.indexOf('\n', at);
      return new IllegalArgumentException(text.substring(at, end < 0 ? text.length() : end), e);
    }
    int end = text.indexOf('\n');
    return new IllegalStateException(
        "the Spark job failed: " + (end < 0 ? text : text.substring(0, end)), e);
  }
}
