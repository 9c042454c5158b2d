package dev.depthscope.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A single output's partial file sits beside it with the permissions of the umask. */
class PartialFileTest {
  @Test
  void partialFileIsHiddenBesideItsTargetWithUmaskPermissions(@TempDir Path tmp) throws Exception {
    Path target = tmp.resolve("sub/trace.safetensors");
    Path partial = PartialFile.create(target);
    assertEquals(target.toAbsolutePath().getParent(), partial.getParent());
    assertTrue(
        partial.getFileName().toString().startsWith(".trace.safetensors.partial-"),
        partial.toString());
    Path plain = Files.createFile(tmp.resolve("plain"));
    assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(partial));
    Path dir = PartialFile.createDirectory(tmp.resolve("pruned"));
    assertTrue(dir.getFileName().toString().startsWith(".pruned.partial-"), dir.toString());
    Path plainDir = Files.createDirectory(tmp.resolve("plain-dir"));
    assertEquals(Files.getPosixFilePermissions(plainDir), Files.getPosixFilePermissions(dir));
  }
}
