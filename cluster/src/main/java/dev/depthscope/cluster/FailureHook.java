package dev.depthscope.cluster;

import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;

/**
 * A test hook: with the Spark setting {@value #KEY} = P, the first attempt of the task of range P
 * (the P-th partition of a {@link ClusterJob}) fails before any work, so tests can check that
 * Spark's retry (a master such as {@code local[2,2]}, or {@code spark.task.maxFailures}) gives the
 * same result. Unset, it does nothing.
 */
final class FailureHook {
  /** The setting naming the partition whose first attempt fails. */
  static final String KEY = "spark.depthscope.test.failFirstAttemptOfPartition";

  /** Marks the injected failure's message. */
  static final String MESSAGE = "injected failure (test hook " + KEY + ")";

  private FailureHook() {}

  /** The partition to fail once, from {@code conf}, or -1. */
  static int partition(SparkConf conf) {
    return conf.contains(KEY) ? Integer.parseInt(conf.get(KEY).trim()) : -1;
  }

  /**
   * Fails the running task, which runs range {@code range} of its job, when it is the first attempt
   * and {@code range} is {@code partition}.
   */
  static void check(int partition, int range) {
    TaskContext task = TaskContext.get();
    if (partition >= 0 && task != null && range == partition && task.attemptNumber() == 0) {
      throw new IllegalStateException(MESSAGE + " in partition " + partition);
    }
  }
}
