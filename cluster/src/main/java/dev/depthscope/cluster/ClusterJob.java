package dev.depthscope.cluster;

import dev.depthscope.cluster.ExecutorModel.ModelMissingOnExecutor;
import dev.depthscope.core.model.CausalLm;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * One Spark job over units of work {@code 0..units-1}: they are split into contiguous ranges, one
 * per partition; each task sizes libtorch's threads to its cores, opens the model from {@code
 * modelDir} on its executor, runs its units in order and returns their results. Each range is
 * submitted as a one-task job of its own, all at once, so the scheduler keeps every core busy as
 * before while the driver gets each range's results as soon as its task ends (to journal them: an
 * audit killed later keeps them). The driver hands results over in unit order, whatever the
 * partitioning and whichever attempt of a task succeeded, so a merge in that order is the same
 * arithmetic as in one process.
 */
final class ClusterJob {
  private ClusterJob() {}

  /** How often the driver looks for finished ranges. */
  private static final long POLL_MILLIS = 20;

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

  /** {@link #run(JavaSparkContext, Path, int, int, RangeWork, RangeResults)} with progress only. */
  static <T extends Serializable> Outcome<T> run(
      JavaSparkContext sc,
      Path modelDir,
      int units,
      int partitions,
      RangeWork<T> work,
      RangeListener done) {
    return run(sc, modelDir, units, partitions, work, (first, end, r) -> done.done(first, end));
  }

  /**
   * Runs {@code work} on units {@code 0..units-1} in {@code partitions} tasks (at most one per
   * unit), each on a contiguous range. {@code done} gets each finished range's results on the
   * driver, once per range, in the order the ranges finish. A model path an executor cannot read
   * fails with an {@link IllegalArgumentException} naming its host and the path; any failure
   * cancels the ranges still running.
   */
  static <T extends Serializable> Outcome<T> run(
      JavaSparkContext sc,
      Path modelDir,
      int units,
      int partitions,
      RangeWork<T> work,
      RangeResults<T> done) {
    int parts = Math.max(1, Math.min(partitions, units));
    String dir = modelDir.toString();
    int failOnce = FailureHook.partition(sc.getConf());
    List<int[]> ranges = new ArrayList<>();
    List<JavaFutureAction<List<TaskOutput<T>>>> jobs = new ArrayList<>();
    for (int p = 0; p < parts; p++) {
      int[] range = {(int) ((long) units * p / parts), (int) ((long) units * (p + 1) / parts)};
      int index = p;
      ranges.add(range);
      jobs.add(
          sc.parallelize(List.of(range), 1)
              .map(r -> task(dir, r, index, failOnce, work))
              .collectAsync());
    }
    List<TaskOutput<T>> outputs = new ArrayList<>(java.util.Collections.nCopies(parts, null));
    try {
      Set<Integer> pending = new java.util.TreeSet<>();
      for (int p = 0; p < parts; p++) {
        pending.add(p);
      }
      while (!pending.isEmpty()) {
        boolean any = false;
        for (java.util.Iterator<Integer> it = pending.iterator(); it.hasNext(); ) {
          int p = it.next();
          if (jobs.get(p).isDone()) {
            TaskOutput<T> o = jobs.get(p).get().get(0);
            outputs.set(p, o);
            it.remove();
            any = true;
            done.done(ranges.get(p)[0], ranges.get(p)[1], o.results());
          }
        }
        if (!any) {
          Thread.sleep(POLL_MILLIS);
        }
      }
    } catch (ExecutionException e) {
      cancel(jobs);
      if (e.getCause() instanceof SparkException s) {
        throw driverError(s);
      }
      throw new IllegalStateException("the Spark job failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException e) {
      cancel(jobs);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the Spark jobs ran", e);
    } catch (RuntimeException e) {
      cancel(jobs);
      throw e;
    }
    List<T> results = new ArrayList<>();
    Set<String> executors = new LinkedHashSet<>();
    for (TaskOutput<T> o : outputs) {
      results.addAll(o.results());
      executors.add(o.executor());
    }
    return new Outcome<>(results, List.copyOf(executors), parts);
  }

  private static void cancel(List<? extends JavaFutureAction<?>> jobs) {
    for (JavaFutureAction<?> j : jobs) {
      if (!j.isDone()) {
        j.cancel(true);
      }
    }
  }

  /** Hears of each finished range's results on the driver. */
  @FunctionalInterface
  interface RangeResults<T> {
    /** Units {@code first .. end} are done with {@code results}, one per unit. */
    void done(int first, int end, List<T> results);
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
      String dir, int[] range, int index, int failOnce, RangeWork<T> work) {
    FailureHook.check(failOnce, index);
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
