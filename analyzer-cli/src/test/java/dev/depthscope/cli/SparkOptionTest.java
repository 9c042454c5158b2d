package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without the cluster module on the class path (the plain launcher), {@code --spark} is refused in
 * one line saying where the Spark engine comes from, before the model opens; its companions need
 * it.
 */
class SparkOptionTest {
  private static final String MODEL = TestData.model("llama-tiny-bf16").toString();
  private static final String IDS =
      TestData.model("llama-tiny-bf16").resolve("reference/activations.safetensors").toString();

  @Test
  void sparkWithoutTheClusterModuleSaysWhatToRun(@TempDir Path tmp) {
    Run r =
        Run.of("audit", MODEL, "--token-ids", IDS, "--spark", "local[2]", "--out", tmp.toString());
    assertTrue(r.code() != 0, r.err());
    assertTrue(r.err().contains("./depthscope-spark"), r.err());
    assertTrue(r.err().contains("no spark audit engine on the class path"), r.err());
    assertTrue(r.err().strip().lines().count() == 1, r.err());
    assertTrue(!Files.exists(tmp.resolve("audit.json")), "no output");
  }

  @Test
  void sparkPartitionsWithoutSparkIsRefused() {
    Run r = Run.of("audit", MODEL, "--token-ids", IDS, "--spark-partitions", "2");
    assertTrue(r.code() != 0);
    assertTrue(r.err().contains("pass --spark MASTER as well"), r.err());
  }
}
