package dev.depthscope.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.analysis.PruningSweep;
import dev.depthscope.core.eval.TokenIdsFile;
import dev.depthscope.core.model.CausalLm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark in local mode inside this JVM, with DJL's PyTorch engine loaded by the same JVM (driver and
 * tasks): tasks open the model, size libtorch's threads, fail once when asked and are retried, and
 * a model path an executor cannot read fails the job naming the host and the path.
 */
class ClusterJobTest {
  private static final Path MODEL = TestData.model("llama-tiny-sharded-fp32");

  /** Baseline token NLL of one batch of one row, computed on the executor. */
  private static float[] baseline(CausalLm lm, long[][] rows, int unit) {
    PruningSweep.Result r =
        PruningSweep.run(
            lm,
            List.<long[][]>of(new long[][] {rows[unit]}),
            null,
            PruningSweep.Settings.inMemory());
    return r.baseline()[0];
  }

  private static List<float[]> baselines(CausalLm lm, long[][] rows, int first, int end) {
    List<float[]> out = new ArrayList<>();
    for (int u = first; u < end; u++) {
      out.add(baseline(lm, rows, u));
    }
    return out;
  }

  private static long[][] rows() throws Exception {
    return TokenIdsFile.read(MODEL.resolve("reference/activations.safetensors"));
  }

  @Test
  void tasksComputeWhatTheDriverComputesInTheSameJvm() throws Exception {
    long[][] rows = rows();
    List<float[]> local = new ArrayList<>();
    try (CausalLm lm = CausalLm.open(MODEL)) {
      for (int u = 0; u < rows.length; u++) {
        local.add(baseline(lm, rows, u));
      }
    }
    try (JavaSparkContext sc = SparkContexts.start("local[2]", Map.of())) {
      ClusterJob.Outcome<float[]> out =
          ClusterJob.run(
              sc,
              MODEL,
              rows.length,
              2,
              (lm, from, to) -> baselines(lm, rows, from, to),
              ClusterJob.RangeListener.NONE);
      assertEquals(Math.min(2, rows.length), out.partitions());
      assertEquals(rows.length, out.results().size());
      for (int u = 0; u < rows.length; u++) {
        assertArrayEquals(local.get(u), out.results().get(u), "unit " + u + " in unit order");
      }
      assertEquals(1, out.executors().size(), "local mode has one executor: " + out.executors());
      assertTrue(out.executors().get(0).endsWith("/driver"), out.executors().toString());
    }
  }

  @Test
  void libtorchThreadsFollowSparkTaskCpus() {
    for (int cpus : new int[] {1, 2}) {
      try (JavaSparkContext sc =
          SparkContexts.start("local[2]", Map.of("spark.task.cpus", Integer.toString(cpus)))) {
        List<Integer> seen =
            sc.parallelize(List.of(0, 1), 2)
                .map(
                    x -> {
                      ExecutorThreads.sizeToTask();
                      return ExecutorThreads.current();
                    })
                .collect();
        assertEquals(List.of(cpus, cpus), seen, "spark.task.cpus=" + cpus);
      }
    }
  }

  @Test
  void aTaskFailingOnceIsRetriedWithTheSameResults() throws Exception {
    long[][] rows = rows();
    Map<String, String> failPartition1 = Map.of(FailureHook.KEY, "1");
    List<float[]> expected;
    try (JavaSparkContext sc = SparkContexts.start("local[2]", Map.of())) {
      expected =
          ClusterJob.run(
                  sc,
                  MODEL,
                  rows.length,
                  2,
                  (lm, from, to) -> baselines(lm, rows, from, to),
                  ClusterJob.RangeListener.NONE)
              .results();
    }
    // Without retries the injected failure ends the job: the hook really fires.
    try (JavaSparkContext sc = SparkContexts.start("local[2]", failPartition1)) {
      RuntimeException e =
          assertThrows(
              RuntimeException.class,
              () ->
                  ClusterJob.run(
                      sc,
                      MODEL,
                      rows.length,
                      2,
                      (lm, from, to) -> baselines(lm, rows, from, to),
                      ClusterJob.RangeListener.NONE));
      assertTrue(e.getMessage().contains(FailureHook.MESSAGE), e.getMessage());
    }
    // local[2,2]: two attempts per task, so Spark retries it and the job succeeds.
    try (JavaSparkContext sc = SparkContexts.start("local[2,2]", failPartition1)) {
      List<float[]> retried =
          ClusterJob.run(
                  sc,
                  MODEL,
                  rows.length,
                  2,
                  (lm, from, to) -> baselines(lm, rows, from, to),
                  ClusterJob.RangeListener.NONE)
              .results();
      for (int u = 0; u < rows.length; u++) {
        assertArrayEquals(expected.get(u), retried.get(u), "unit " + u);
      }
    }
  }

  @Test
  void aModelPathMissingOnAnExecutorNamesTheHostAndThePath(@TempDir Path tmp) throws Exception {
    long[][] rows = rows();
    Path missing = tmp.resolve("not-on-this-node");
    try (JavaSparkContext sc = SparkContexts.start("local[2]", Map.of())) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  ClusterJob.run(
                      sc,
                      missing,
                      rows.length,
                      2,
                      (lm, from, to) -> baselines(lm, rows, from, to),
                      ClusterJob.RangeListener.NONE));
      String m = e.getMessage();
      assertTrue(m.contains(missing.toString()), m);
      assertTrue(m.contains("on host " + Executors.host()), m);
      assertTrue(!m.contains("\n"), "one line: " + m);
    }
  }

  @Test
  void aMasterDisagreeingWithSparkSubmitsIsRefused() {
    String before = System.getProperty("spark.master");
    System.setProperty("spark.master", "local[1]");
    try {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> SparkContexts.start("local[2]", Map.of()));
      assertTrue(e.getMessage().contains("local[1]"), e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty("spark.master");
      } else {
        System.setProperty("spark.master", before);
      }
    }
  }
}
