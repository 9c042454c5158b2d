package dev.depthscope.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** The tasks an executor runs side by side, which share its memory budget. */
class SparkAuditEngineTest {
  private static int tasks(String master, String executorCores, String taskCpus) {
    SparkConf conf = new SparkConf(false).setMaster(master);
    if (executorCores != null) {
      conf.set("spark.executor.cores", executorCores);
    }
    if (taskCpus != null) {
      conf.set("spark.task.cpus", taskCpus);
    }
    return SparkAuditEngine.tasksPerExecutor(conf);
  }

  @Test
  void localModeRunsItsThreadsOverTheTaskCpus() {
    assertEquals(2, tasks("local[2]", null, null));
    assertEquals(2, tasks("local[4,3]", null, "2"));
    assertEquals(1, tasks("local[1]", null, "2"), "at least one");
    assertEquals(
        Runtime.getRuntime().availableProcessors(), tasks("local[*]", null, null), "local[*]");
  }

  @Test
  void clusterExecutorsRunTheirCoresOverTheTaskCpus() {
    assertEquals(2, tasks("yarn", "8", "4"));
    assertEquals(1, tasks("spark://head:7077", null, null), "spark.executor.cores unset");
  }
}
