package dev.depthscope.core;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only {@code shared/} folder of test data (checkpoints, tokenizers, reference
 * outputs), read in place and never copied. Its path is the system property {@code
 * depthscope.shared} (the build passes it), defaulting to {@code ../shared} relative to the working
 * directory. When something is missing the calling test is skipped, unless the system property
 * {@code depthscope.requireFixtures} is {@code true} (as in CI), in which case it fails: a machine
 * without the data can still build, while CI cannot pass by skipping.
 */
public final class SharedFixtures {
  /** System property naming the shared folder. */
  public static final String SHARED_PROPERTY = "depthscope.shared";

  /** System property that turns a missing fixture from a skip into a failure. */
  public static final String REQUIRE_PROPERTY = "depthscope.requireFixtures";

  private SharedFixtures() {}

  /**
   * The shared folder, absolute.
   *
   * @throws org.opentest4j.TestAbortedException (skip) when it is missing and fixtures are not
   *     required
   */
  public static Path sharedDir() {
    Path dir =
        Path.of(System.getProperty(SHARED_PROPERTY, "../shared")).toAbsolutePath().normalize();
    if (!Files.isDirectory(dir)) {
      missing("shared fixture folder " + dir + " (set -D" + SHARED_PROPERTY + "=DIR)");
    }
    return dir;
  }

  /**
   * A file or folder inside the shared folder, e.g. {@code data/tokenizers/llama3}, with the same
   * skip-or-fail rule when it is missing.
   */
  public static Path fixture(String name) {
    Path path = sharedDir().resolve(name);
    if (!Files.exists(path)) {
      missing("shared fixture " + path);
    }
    return path;
  }

  /**
   * The dense-family fixtures, for parameterized tests ({@code @MethodSource} naming this method),
   * so that every test covering "each dense family" covers the same list.
   */
  public static java.util.stream.Stream<String> denseModels() {
    return java.util.stream.Stream.of(
        "llama-tiny-bf16",
        "llama-tiny-sharded-fp32",
        "llama3-long-bf16",
        "mistral-tiny-fp16-swa",
        "qwen2-tiny-tied",
        "qwen3-tiny-bf16",
        "qwen3-realvocab-bf16");
  }

  /** The MoE-family fixtures (Mixtral, Qwen3-MoE, DeepSeek-V2/V3), as {@link #denseModels}. */
  public static java.util.stream.Stream<String> moeModels() {
    return java.util.stream.Stream.of(
        "mixtral-tiny-fp32",
        "qwen3-moe-tiny-bf16",
        "deepseek-v2-tiny-fp32",
        "deepseek-v3-tiny-bf16");
  }

  /** A model checkpoint under {@code shared/fixtures/}, e.g. {@code llama-tiny-bf16}. */
  public static Path model(String name) {
    return fixture("fixtures/" + name);
  }

  /** Whether missing fixtures fail the test instead of skipping it. */
  public static boolean required() {
    return Boolean.parseBoolean(System.getProperty(REQUIRE_PROPERTY, "false"));
  }

  private static void missing(String what) {
    if (required()) {
      fail("missing " + what + " and " + REQUIRE_PROPERTY + "=true");
    }
    abort("missing " + what + "; skipped (set " + REQUIRE_PROPERTY + "=true to fail instead)");
  }
}
