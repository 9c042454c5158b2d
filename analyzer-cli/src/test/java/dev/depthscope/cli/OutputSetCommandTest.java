package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.io.OutputSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** audit, report and compare write whole output sets and never replace results unasked. */
class OutputSetCommandTest {
  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static Run audit(Path out, String... more) {
    Path dir = TestData.model("qwen3-tiny-bf16");
    String ids = dir.resolve("reference/activations.safetensors").toString();
    String[] args = {
      "audit",
      dir.toString(),
      "--token-ids",
      ids,
      "--quiet",
      "--figures",
      "svg",
      "--out",
      out.toString()
    };
    String[] all = new String[args.length + more.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return Run.of(all);
  }

  @Test
  void anAuditIsOneSetWithTheUmaskPermissions(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    Run r = audit(out);
    assertEquals(0, r.code(), r.err());
    assertTrue(names(out).containsAll(List.of("audit.json", "layers.csv", "report.html")));
    assertEquals(List.of(".run.lock", "run"), names(tmp), "no staging directory left");
    Set<PosixFilePermission> umask =
        Files.getPosixFilePermissions(Files.createFile(tmp.resolve("plain")));
    for (String f : List.of("audit.json", "report.html", "layers.csv")) {
      assertEquals(umask, Files.getPosixFilePermissions(out.resolve(f)), f);
    }
  }

  @Test
  void existingResultsAreKeptUnlessForce(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    assertEquals(0, audit(out).code());
    Files.writeString(out.resolve("audit.json"), "{\"marker\": 1}");
    Run again = audit(out);
    assertEquals(2, again.code());
    assertEquals(
        "depthscope: error: "
            + out.toAbsolutePath()
            + " already holds results; pass --force to replace them or choose another --out",
        again.err().strip());
    assertEquals("{\"marker\": 1}", Files.readString(out.resolve("audit.json")));
    Run forced = audit(out, "--force");
    assertEquals(0, forced.code(), forced.err());
    AuditJson.read(out.resolve("audit.json"));
  }

  @Test
  void theDefaultDirectoryBumpsToAFreshName(@TempDir Path tmp) throws Exception {
    Path base = tmp.resolve("depthscope-audit/qwen3");
    assertEquals(base, AuditCommand.fresh(base), "a missing directory is fresh");
    Files.createDirectories(base);
    assertEquals(base, AuditCommand.fresh(base), "an empty directory is fresh");
    Files.writeString(base.resolve("audit.json"), "{}");
    assertEquals(tmp.resolve("depthscope-audit/qwen3-2"), AuditCommand.fresh(base));
    Files.createDirectories(tmp.resolve("depthscope-audit/qwen3-2"));
    Files.writeString(tmp.resolve("depthscope-audit/qwen3-2/audit.json"), "{}");
    assertEquals(tmp.resolve("depthscope-audit/qwen3-3"), AuditCommand.fresh(base));
  }

  @Test
  void aSecondWriterIsRefusedWithExitTwo(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    try (OutputSet busy = OutputSet.open(out, OutputSet.Existing.REPLACE)) {
      Run r = audit(out);
      assertEquals(2, r.code());
      assertEquals(
          "depthscope: error: "
              + out.toAbsolutePath()
              + " is being written by another depthscope process (pid "
              + ProcessHandle.current().pid()
              + "); wait for it or choose another --out",
          r.err().strip());
    }
  }

  @Test
  void aFileWhereTheOutputParentShouldBeGivesExitThree(@TempDir Path tmp) throws Exception {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    Run r = audit(file.resolve("run"));
    assertEquals(3, r.code());
    assertEquals(
        "depthscope: error: " + file.toAbsolutePath() + ": cannot write (Not a directory)",
        r.err().strip());
  }

  @Test
  void reportReplacesItsOwnFolderButRefusesAnotherWithResults(@TempDir Path tmp) throws Exception {
    Path run = tmp.resolve("run");
    assertEquals(0, audit(run).code());
    Path json = run.resolve("audit.json");
    Run beside = Run.of("report", json.toString(), "--quiet");
    assertEquals(0, beside.code(), beside.err());
    assertTrue(Files.isRegularFile(json), "the audit stays beside its report");
    Path site = Files.createDirectories(tmp.resolve("site"));
    Files.writeString(site.resolve("index.html"), "mine");
    Run refused = Run.of("report", json.toString(), "--out", site.toString());
    assertEquals(2, refused.code());
    assertTrue(refused.err().contains("--force"), refused.err());
    Run forced = Run.of("report", json.toString(), "--out", site.toString(), "--force");
    assertEquals(0, forced.code(), forced.err());
    assertEquals("mine", Files.readString(site.resolve("index.html")));
    assertTrue(Files.isRegularFile(site.resolve("report.html")));
    Run cmp = Run.of("compare", json.toString(), "--out", site.toString());
    assertEquals(2, cmp.code(), "compare refuses too");
  }

  @Test
  void traceIntoADirectorySaysWhatToPass(@TempDir Path tmp) throws Exception {
    Path dir = TestData.model("qwen3-tiny-bf16");
    String ids = dir.resolve("reference/activations.safetensors").toString();
    Run r = Run.of("trace", dir.toString(), "--token-ids", ids, "--out", tmp.toString());
    assertEquals(2, r.code());
    assertEquals(
        "depthscope: error: "
            + tmp
            + ": is a directory; --out takes the trace file to write, e.g. "
            + tmp.resolve("trace.safetensors"),
        r.err().strip());
  }

  @Test
  void traceRefusesToReplaceAnExistingFileUnlessForced(@TempDir Path tmp) throws Exception {
    Path dir = TestData.model("qwen3-tiny-bf16");
    String ids = dir.resolve("reference/activations.safetensors").toString();
    Path out = Files.writeString(tmp.resolve("t.safetensors"), "an earlier result");
    Run refused =
        Run.of("trace", dir.toString(), "--token-ids", ids, "--quiet", "--out", out.toString());
    assertEquals(2, refused.code());
    assertEquals(
        "depthscope: error: "
            + out
            + ": already exists; pass --force to replace it, or choose another --out",
        refused.err().strip());
    assertEquals("an earlier result", Files.readString(out), "left as it was");
    Run forced =
        Run.of(
            "trace",
            dir.toString(),
            "--token-ids",
            ids,
            "--quiet",
            "--force",
            "--out",
            out.toString());
    assertEquals(0, forced.code(), forced.err());
    assertTrue(Files.size(out) > 1000, "replaced by the trace");
  }

  @Test
  void traceGetsTheUmaskPermissionsAndNamesAnUnwritablePath(@TempDir Path tmp) throws Exception {
    Path dir = TestData.model("qwen3-tiny-bf16");
    String ids = dir.resolve("reference/activations.safetensors").toString();
    Path out = tmp.resolve("t.safetensors");
    Run ok =
        Run.of("trace", dir.toString(), "--token-ids", ids, "--quiet", "--out", out.toString());
    assertEquals(0, ok.code(), ok.err());
    Path plain = Files.createFile(tmp.resolve("plain"));
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(out));
    assertEquals(List.of("plain", "t.safetensors"), names(tmp), "no partial file left");
    Path under = plain.resolve("t.safetensors");
    Run bad =
        Run.of("trace", dir.toString(), "--token-ids", ids, "--quiet", "--out", under.toString());
    assertEquals(3, bad.code());
    assertEquals(
        "depthscope: error: " + under + ": cannot write (Not a directory)", bad.err().strip());
  }
}
