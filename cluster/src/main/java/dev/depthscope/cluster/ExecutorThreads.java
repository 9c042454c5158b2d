package dev.depthscope.cluster;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import org.apache.spark.TaskContext;

/**
 * Sizes libtorch's intra-op thread pool to the cores Spark gave the running task ({@code
 * spark.task.cpus}), so that the tasks an executor runs side by side do not oversubscribe its node:
 * by default every task would start one thread per core of the machine. The setting must be made on
 * the task's own thread: libtorch's OpenMP pool takes its size from the calling thread.
 */
final class ExecutorThreads {
  private ExecutorThreads() {}

  /** Sets the running task's intra-op threads to its cores; returns that count. */
  static int sizeToTask() {
    TaskContext task = TaskContext.get();
    int cpus = task == null ? Runtime.getRuntime().availableProcessors() : task.cpus();
    return size(cpus);
  }

  /** Sets this thread's libtorch intra-op threads to {@code threads}; returns it. */
  static int size(int threads) {
    Engine.getEngine("PyTorch");
    JniUtils.setNumThreads(threads);
    return threads;
  }

  /** The intra-op thread count libtorch reports. */
  static int current() {
    Engine.getEngine("PyTorch");
    return JniUtils.getNumThreads();
  }
}
