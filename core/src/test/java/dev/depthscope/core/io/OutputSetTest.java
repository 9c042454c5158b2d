package dev.depthscope.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An output set is published whole or not at all, by one writer at a time. */
class OutputSetTest {
  private static String read(Path p) throws IOException {
    return Files.readString(p, StandardCharsets.UTF_8);
  }

  private static List<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void writeSet(Path dir, OutputSet.Existing existing, String text)
      throws IOException {
    try (OutputSet set = OutputSet.open(dir, existing)) {
      set.write("audit.json", text.getBytes(StandardCharsets.UTF_8));
      set.write("report.html", text.getBytes(StandardCharsets.UTF_8));
      set.publish();
    }
  }

  @Test
  void aNewDirectoryAppearsWithAllItsFilesAndNothingElseBeside(@TempDir Path tmp)
      throws IOException {
    Path out = tmp.resolve("run");
    try (OutputSet set = OutputSet.open(out, OutputSet.Existing.REFUSE)) {
      set.write("audit.json", "{}".getBytes(StandardCharsets.UTF_8));
      assertFalse(Files.exists(out), "nothing visible before publish");
      set.publish();
    }
    assertEquals("{}", read(out.resolve("audit.json")));
    assertEquals(List.of(".run.lock", "run"), names(tmp));
  }

  @Test
  void existingResultsAreRefusedWithoutForceAndReplacedWholeWithIt(@TempDir Path tmp)
      throws IOException {
    Path out = tmp.resolve("run");
    writeSet(out, OutputSet.Existing.REFUSE, "first");
    Files.writeString(out.resolve("layer-nll.png"), "old chart");
    OutputConflictException e =
        assertThrows(
            OutputConflictException.class, () -> writeSet(out, OutputSet.Existing.REFUSE, "2nd"));
    assertTrue(e.getMessage().contains("--force"), e.getMessage());
    assertEquals("first", read(out.resolve("audit.json")));
    writeSet(out, OutputSet.Existing.REPLACE, "second");
    assertEquals(List.of("audit.json", "report.html"), names(out), "the old chart went too");
    assertEquals("second", read(out.resolve("report.html")));
    assertEquals(List.of(".run.lock", "run"), names(tmp));
  }

  @Test
  void forceKeepsFilesDepthscopeDidNotWrite(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("run");
    writeSet(out, OutputSet.Existing.REFUSE, "first");
    Files.writeString(out.resolve("NOTES"), "mine");
    writeSet(out, OutputSet.Existing.REPLACE, "second");
    assertEquals("mine", read(out.resolve("NOTES")));
    assertEquals("second", read(out.resolve("audit.json")));
    Path model = Files.createDirectory(tmp.resolve("model"));
    Files.writeString(model.resolve("config.json"), "{}");
    Files.writeString(model.resolve("model.safetensors"), "weights");
    writeSet(model, OutputSet.Existing.REPLACE, "into a model");
    assertEquals("weights", read(model.resolve("model.safetensors")), "a model is never swapped");
    assertEquals("into a model", read(model.resolve("audit.json")));
  }

  @Test
  void aFullDiskKeepsThePreviousSetAndLeavesNoStaging(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("run");
    writeSet(out, OutputSet.Existing.REFUSE, "first");
    UnaryOperator<OutputStream> fullAfter10 =
        s ->
            new FilterOutputStream(s) {
              int written;

              @Override
              public void write(int b) throws IOException {
                if (++written > 10) {
                  throw new IOException("No space left on device");
                }
                super.write(b);
              }
            };
    OutputWriteException e =
        assertThrows(
            OutputWriteException.class,
            () -> {
              try (OutputSet set = OutputSet.open(out, OutputSet.Existing.REPLACE, fullAfter10)) {
                set.write("audit.json", "a long new audit".getBytes(StandardCharsets.UTF_8));
                set.publish();
              }
            });
    assertEquals(
        out.toAbsolutePath() + "/audit.json: cannot write (No space left on device)",
        e.getMessage());
    assertEquals("first", read(out.resolve("audit.json")));
    assertEquals(List.of(".run.lock", "run"), names(tmp), "no staging directory left");
  }

  @Test
  void aSecondWriterIsRefusedWhileTheFirstHoldsTheLock(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("run");
    try (OutputSet first = OutputSet.open(out, OutputSet.Existing.REFUSE)) {
      first.write("audit.json", "first".getBytes(StandardCharsets.UTF_8));
      OutputConflictException e =
          assertThrows(
              OutputConflictException.class, () -> OutputSet.open(out, OutputSet.Existing.REPLACE));
      assertEquals(
          out.toAbsolutePath()
              + " is being written by another depthscope process (pid "
              + ProcessHandle.current().pid()
              + "); wait for it or choose another --out",
          e.getMessage());
      first.publish();
    }
    writeSet(out, OutputSet.Existing.REPLACE, "after");
    assertEquals("after", read(out.resolve("audit.json")));
  }

  @Test
  void aSecondProcessIsRefusedToo(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("run");
    String java = ProcessHandle.current().info().command().orElse("java");
    Process holder =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                LockHolder.class.getName(),
                out.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      byte[] line = holder.getInputStream().readNBytes("locked".length());
      assertEquals("locked", new String(line, StandardCharsets.US_ASCII));
      OutputConflictException e =
          assertThrows(
              OutputConflictException.class, () -> OutputSet.open(out, OutputSet.Existing.REPLACE));
      assertEquals(
          out.toAbsolutePath()
              + " is being written by another depthscope process (pid "
              + holder.pid()
              + "); wait for it or choose another --out",
          e.getMessage());
    } finally {
      holder.getOutputStream().close();
      holder.waitFor();
    }
    writeSet(out, OutputSet.Existing.REPLACE, "after");
    assertEquals("after", read(out.resolve("audit.json")));
  }

  @Test
  void stagingOfDeadProcessesIsRemovedAtTheNextOpen(@TempDir Path tmp) throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path stale = tmp.resolve(".run.staging-" + gone.pid() + "-abc");
    Files.createDirectories(stale.resolve("sub"));
    Files.writeString(stale.resolve("sub/audit.json"), "half");
    Path alive = tmp.resolve(".run.staging-1-abc");
    Files.createDirectory(alive);
    Path other = tmp.resolve(".other.staging-" + gone.pid() + "-abc");
    Files.createDirectory(other);
    writeSet(tmp.resolve("run"), OutputSet.Existing.REFUSE, "x");
    assertFalse(Files.exists(stale), "dead process's staging removed");
    assertTrue(Files.exists(alive), "pid 1 is alive: kept");
    assertTrue(Files.exists(other), "another target's staging is not ours to clean");
  }

  @Test
  void anOldSetMovedAsideByACrashedSwapIsPutBack(@TempDir Path tmp) throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path old = tmp.resolve(".run.staging-" + gone.pid() + "-abc.old");
    Files.createDirectory(old);
    Files.writeString(old.resolve("audit.json"), "old");
    Path out = tmp.resolve("run");
    assertThrows(
        OutputConflictException.class, () -> writeSet(out, OutputSet.Existing.REFUSE, "new"));
    assertEquals("old", read(out.resolve("audit.json")));
    assertFalse(Files.exists(old));
  }

  @Test
  void filesGetThePermissionsOfTheUmask(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("run");
    writeSet(out, OutputSet.Existing.REFUSE, "x");
    Path plain = Files.createFile(tmp.resolve("plain"));
    Path plainDir = Files.createDirectory(tmp.resolve("plain-dir"));
    Set<PosixFilePermission> expected = Files.getPosixFilePermissions(plain);
    assertEquals(expected, Files.getPosixFilePermissions(out.resolve("audit.json")));
    assertEquals(Files.getPosixFilePermissions(plainDir), Files.getPosixFilePermissions(out));
  }

  @Test
  void mergeReplacesSameNamesAndKeepsTheRest(@TempDir Path tmp) throws IOException {
    Path out = tmp.resolve("run");
    writeSet(out, OutputSet.Existing.REFUSE, "first");
    try (OutputSet set = OutputSet.open(out, OutputSet.Existing.MERGE)) {
      set.write("report.html", "again".getBytes(StandardCharsets.UTF_8));
      set.publish();
    }
    assertEquals("first", read(out.resolve("audit.json")));
    assertEquals("again", read(out.resolve("report.html")));
    assertEquals(List.of("audit.json", "report.html"), names(out), "no lock or staging left");
  }

  @Test
  void aSymbolicLinkIsWrittenThroughNotReplaced(@TempDir Path tmp) throws IOException {
    Path real = Files.createDirectory(tmp.resolve("real"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    writeSet(link, OutputSet.Existing.REPLACE, "through");
    assertTrue(Files.isSymbolicLink(link), "the link stays a link");
    assertEquals("through", read(real.resolve("audit.json")));
  }

  @Test
  void aFileWhereTheParentDirectoryShouldBeNamesThePath(@TempDir Path tmp) throws IOException {
    Path file = Files.writeString(tmp.resolve("file"), "x");
    OutputWriteException e =
        assertThrows(
            OutputWriteException.class,
            () -> OutputSet.open(file.resolve("sub/run"), OutputSet.Existing.REFUSE));
    assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(": cannot write ("), e.getMessage());
    OutputConflictException notDir =
        assertThrows(
            OutputConflictException.class, () -> OutputSet.open(file, OutputSet.Existing.REPLACE));
    assertEquals(file + ": exists and is not a directory", notDir.getMessage());
  }
}
