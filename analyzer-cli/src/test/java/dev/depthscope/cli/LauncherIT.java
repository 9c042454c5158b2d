package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged command line as a user runs it: the {@code depthscope} launcher, linked onto a PATH
 * folder, running the jar that {@code mvn package} built (failsafe runs this after package).
 */
class LauncherIT {
  private static Path repo;

  @TempDir Path tmp;

  @BeforeAll
  static void findTheBuild() {
    repo = TestData.root().getParent();
    assertTrue(Files.isRegularFile(repo.resolve("depthscope")), "launcher in " + repo);
    assertTrue(
        Files.isRegularFile(repo.resolve("analyzer-cli/target/depthscope.jar")),
        "the packaged jar (integration tests run after package)");
  }

  /**
   * The result of one launcher run.
   *
   * @param code exit code
   * @param out standard output
   * @param err standard error
   */
  record Result(int code, String out, String err) {}

  /** Links the launcher into {@code tmp/bin} (a relative link, as ln -s would make one). */
  private Path linkedLauncher() throws IOException {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    Path link = bin.resolve("depthscope");
    Files.createSymbolicLink(link, bin.relativize(repo.resolve("depthscope")));
    return link;
  }

  private Result run(Path launcher, Path cwd, Map<String, String> env, String... args)
      throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(launcher.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
    pb.environment().putAll(env);
    Path out = tmp.resolve("stdout.txt");
    Path err = tmp.resolve("stderr.txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the launcher finished");
    return new Result(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  private static String expectedVersion() throws IOException {
    Properties p = new Properties();
    try (InputStream in = LauncherIT.class.getResourceAsStream("expected-version.properties")) {
      assertNotNull(in, "expected-version.properties (a filtered test resource)");
      p.load(in);
    }
    return p.getProperty("version");
  }

  @Test
  void theLauncherWorksThroughASymlinkAndPrintsThePomVersion() throws Exception {
    Path link = linkedLauncher();
    Result r = run(link, tmp, Map.of(), "--version");
    assertEquals(0, r.code(), r.err());
    assertEquals("depthscope " + expectedVersion(), r.out().lines().findFirst().orElseThrow());
  }

  @Test
  void aUsageErrorExitsWithTwoAndOneLine() throws Exception {
    Result r = run(linkedLauncher(), tmp, Map.of(), "audti");
    assertEquals(2, r.code());
    assertEquals(
        "depthscope: error: unknown command 'audti' (did you mean 'audit'?); see 'depthscope"
            + " --help'",
        r.err().strip());
  }

  @Test
  void anAuditOfOrgNameGoesToItsNameUnderDepthscopeAudit() throws Exception {
    FakeHfCache cache = new FakeHfCache(tmp.resolve("hub"));
    String hash = "c".repeat(40);
    cache.add("acme/tiny", hash, TestData.model("llama-tiny-bf16"), true);
    Path work = Files.createDirectories(tmp.resolve("work"));
    String ids =
        TestData.model("llama-tiny-bf16").resolve("reference/activations.safetensors").toString();
    Result r =
        run(
            linkedLauncher(),
            work,
            cache.env(),
            "audit",
            "acme/tiny",
            "--token-ids",
            ids,
            "--quiet");
    assertEquals(0, r.code(), r.err());
    Path dir = work.resolve("depthscope-audit/tiny");
    assertTrue(Files.isRegularFile(dir.resolve("audit.json")), r.out());
    assertTrue(r.out().contains("wrote depthscope-audit/tiny/audit.json"), r.out());
    assertTrue(
        Files.readString(dir.resolve("report.html"))
            .contains("<title>depthscope report: acme/tiny"));
    assertTrue(!Files.exists(work.resolve("depthscope-audit/" + hash)), "not named by the hash");
  }
}
