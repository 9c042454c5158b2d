package dev.depthscope.cluster;

import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Starts the Spark context of one audit. Settings come from Spark's usual places ({@code
 * spark-submit --conf}, {@code spark.*} system properties) plus {@code extra}; the master is the
 * one {@code --spark} names, and must agree with the one spark-submit was given, if any.
 */
final class SparkContexts {
  private SparkContexts() {}

  /** A new context on {@code master}; the caller stops it. */
  static JavaSparkContext start(String master, Map<String, String> extra) {
    SparkConf conf = new SparkConf();
    if (conf.contains("spark.master") && !conf.get("spark.master").equals(master)) {
      throw new IllegalArgumentException(
          "--spark "
              + master
              + " disagrees with the master spark-submit was given ("
              + conf.get("spark.master")
              + "): pass the same one to both");
    }
    conf.setMaster(master);
    if (!conf.contains("spark.app.name")) {
      conf.setAppName("depthscope audit");
    }
    if (master.startsWith("local")) {
      // Nobody watches the web UI of a run inside the command line: keep it quiet and light.
      conf.setIfMissing("spark.ui.enabled", "false");
    }
    extra.forEach(conf::set);
    return new JavaSparkContext(conf);
  }
}
