package dev.depthscope.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Tells the driver's progress when a task of a {@link ClusterJob} has finished its range of units:
 * Spark reports task ends on its listener bus; a partition that succeeds after a retry is reported
 * once.
 */
final class TaskProgress extends SparkListener {
  private final List<int[]> ranges;
  private final ClusterJob.RangeListener done;
  private final Set<Integer> finished = new HashSet<>();

  TaskProgress(List<int[]> ranges, ClusterJob.RangeListener done) {
    this.ranges = ranges;
    this.done = done;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    if (!end.taskInfo().successful()) {
      return;
    }
    int p = end.taskInfo().partitionId();
    synchronized (finished) {
      if (p < 0 || p >= ranges.size() || !finished.add(p)) {
        return;
      }
    }
    done.done(ranges.get(p)[0], ranges.get(p)[1]);
  }
}
