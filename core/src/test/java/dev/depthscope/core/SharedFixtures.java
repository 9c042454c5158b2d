package dev.depthscope.core;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Locates the read-only reference material in {@code ../shared} (system property {@code
 * depthscope.shared}). Tests that need it skip when it is absent, except when {@code
 * depthscope.requireFixtures=true} (as in CI), where they fail.
 */
public final class SharedFixtures {
  private SharedFixtures() {}

  /** The shared folder, or a skip/failure when it is missing. */
  public static Path sharedDir() {
    Path dir = Path.of(System.getProperty("depthscope.shared", "../shared"));
    if (!Files.isDirectory(dir.resolve("fixtures"))) {
      if (Boolean.getBoolean("depthscope.requireFixtures")) {
        fail("fixtures required but missing: " + dir.toAbsolutePath() + "/fixtures");
      }
      assumeTrue(false, "no shared fixtures at " + dir.toAbsolutePath());
    }
    return dir;
  }

  /** {@code shared/fixtures/<name>}, which must exist. */
  public static Path fixture(String name) {
    Path p = sharedDir().resolve("fixtures").resolve(name);
    if (!Files.isDirectory(p)) {
      fail("missing fixture " + p.toAbsolutePath());
    }
    return p;
  }
}
