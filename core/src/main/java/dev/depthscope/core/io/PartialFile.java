package dev.depthscope.core.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * The temporary file a single output ({@code audit.json}, a trace, a checkpoint) is written to
 * before it is renamed over its target (or the directory of a pruned model): {@code
 * .NAME.partial-PID-RANDOM} beside it, so the rename is atomic, created with the permissions the
 * user's umask gives (a temp file from {@link Files#createTempFile} would be private to the owner,
 * unlike every other output).
 */
public final class PartialFile {
  private static final SecureRandom RANDOM = new SecureRandom();

  private PartialFile() {}

  /** Creates the empty partial file of {@code target} (and the folders above it). */
  public static Path create(Path target) throws IOException {
    try {
      return Files.createFile(name(target));
    } catch (IOException e) {
      throw new OutputWriteException(target, e);
    }
  }

  /** Creates the empty partial directory of {@code target}, a directory written as a whole. */
  public static Path createDirectory(Path target) throws IOException {
    try {
      return Files.createDirectory(name(target));
    } catch (IOException e) {
      throw new OutputWriteException(target, e);
    }
  }

  private static Path name(Path target) throws IOException {
    Path abs = target.toAbsolutePath().normalize();
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    return dir.resolve(
        "."
            + abs.getFileName()
            + ".partial-"
            + ProcessHandle.current().pid()
            + "-"
            + Long.toHexString(RANDOM.nextLong() >>> 16));
  }
}
