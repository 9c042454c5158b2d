package dev.depthscope.cluster;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.apache.spark.SparkEnv;

/** Who is running a task: the executor's host name and Spark id ({@code driver} in local mode). */
final class Executors {
  private Executors() {}

  /** This machine's host name (its address when the name cannot be found). */
  static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (UnknownHostException e) {
      return InetAddress.getLoopbackAddress().getHostAddress();
    }
  }

  /** The Spark id of the executor running this task, or {@code unknown} outside Spark. */
  static String id() {
    SparkEnv env = SparkEnv.get();
    return env == null ? "unknown" : env.executorId();
  }

  /** {@code host/id}, as {@code audit.json} lists executors. */
  static String name() {
    return host() + "/" + id();
  }
}
