package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model from the Hugging Face cache is called {@code org/name}, not after its revision hash, and
 * {@code --revision} picks its snapshot.
 */
class ModelNamesTest {
  private static final String MAIN = "a".repeat(40);
  private static final String OTHER = "b".repeat(40);

  @TempDir Path tmp;

  private FakeHfCache cache() throws Exception {
    FakeHfCache c = new FakeHfCache(tmp.resolve("hub"));
    c.add("acme/tiny", MAIN, TestData.model("llama-tiny-bf16"), true);
    c.add("acme/tiny", OTHER, TestData.model("qwen3-tiny-bf16"), false);
    return c;
  }

  private static String ids(String fixture) {
    return TestData.model(fixture).resolve("reference/activations.safetensors").toString();
  }

  @Test
  void anAuditOfOrgNameIsTitledOrgNameInItsSummaryJsonAndReport() throws Exception {
    FakeHfCache c = cache();
    Path out = tmp.resolve("out");
    Run r =
        Run.withEnv(
            c.env(),
            "audit",
            "acme/tiny",
            "--token-ids",
            ids("llama-tiny-bf16"),
            "--quiet",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("acme/tiny (LlamaForCausalLM, 4 layers)"), r.out());
    AuditResult a = AuditJson.read(out.resolve("audit.json"));
    assertEquals("acme/tiny", a.model().name());
    assertTrue(a.model().path().endsWith(MAIN), a.model().path());
    String html = Files.readString(out.resolve("report.html"));
    assertTrue(html.contains("<title>depthscope report: acme/tiny"), "report title");
    assertTrue(!html.contains("report: " + MAIN), "the hash is no title");
  }

  @Test
  void theDefaultOutputFolderIsTheNameOfOrgName() throws Exception {
    FakeHfCache c = cache();
    var located =
        new dev.depthscope.core.checkpoint.ModelLocator(c.env(), tmp).locate("acme/tiny", null);
    assertEquals(Path.of("depthscope-audit", "tiny"), AuditCommand.defaultOut(located));
  }

  @Test
  void revisionPicksAnotherSnapshotByHashOrRef() throws Exception {
    FakeHfCache c = cache();
    Run other = Run.withEnv(c.env(), "inspect", "acme/tiny", "--revision", OTHER, "--json");
    assertEquals(0, other.code(), other.err());
    assertTrue(other.out().contains("\"architecture\": \"Qwen3ForCausalLM\""), other.out());
    Run main = Run.withEnv(c.env(), "inspect", "acme/tiny", "--revision", "main", "--json");
    assertEquals(0, main.code(), main.err());
    assertTrue(main.out().contains("\"architecture\": \"LlamaForCausalLM\""), main.out());
    assertTrue(main.out().contains("\"model\": \"acme/tiny\""), main.out());
    Run text = Run.withEnv(c.env(), "inspect", "acme/tiny");
    assertTrue(
        text.out().lines().anyMatch(l -> l.matches("model +acme/tiny \\(.*snapshots.*\\)")),
        text.out());
  }

  @Test
  void anUnknownRevisionListsTheSnapshotsPresent() throws Exception {
    FakeHfCache c = cache();
    Run r = Run.withEnv(c.env(), "inspect", "acme/tiny", "--revision", "v9");
    assertEquals(2, r.code());
    assertEquals(1, r.err().lines().count(), r.err());
    assertTrue(
        r.err().startsWith("depthscope: error: acme/tiny: no snapshot for revision \"v9\""),
        r.err());
    assertTrue(r.err().contains(MAIN + ", " + OTHER), r.err());
  }

  @Test
  void revisionIsRefusedForADirectory() {
    Path dir = TestData.model("llama-tiny-bf16");
    Run r = Run.of("inspect", dir.toString(), "--revision", "main");
    assertEquals(2, r.code());
    assertTrue(
        r.err().startsWith("depthscope: error: --revision picks a snapshot of an org/name"),
        r.err());
  }

  @Test
  void aDirectoryIsStillNamedAfterItsFolder(@TempDir Path out) throws Exception {
    Path dir = TestData.model("llama-tiny-bf16");
    Run r =
        Run.of(
            "audit",
            dir.toString(),
            "--token-ids",
            ids("llama-tiny-bf16"),
            "--quiet",
            "--no-report",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals("llama-tiny-bf16", AuditJson.read(out.resolve("audit.json")).model().name());
  }
}
