package dev.depthscope.reports;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Files written to a hidden staging folder inside the target folder and moved into place only when
 * all of them are written, so a failure (a full disk, a rendering error) never leaves half a
 * report: either the old files stay or every new one replaces them. The HTML page is moved last, so
 * a reader never finds a page whose PNGs are still missing.
 */
final class AtomicOutput implements AutoCloseable {
  private final Path dir;
  private final Path staging;
  private final List<String> names = new ArrayList<>();

  AtomicOutput(Path dir) throws IOException {
    this.dir = dir.toAbsolutePath();
    Files.createDirectories(this.dir);
    this.staging = Files.createTempDirectory(this.dir, ".report-");
  }

  /** Stages a file; nothing is visible in the target folder yet. */
  void write(String name, byte[] bytes) throws IOException {
    Files.write(staging.resolve(name), bytes);
    names.add(name);
  }

  /** Moves the staged files into the target folder in staging order; returns their paths. */
  List<Path> commit() throws IOException {
    List<Path> out = new ArrayList<>();
    for (String name : names) {
      Path target = dir.resolve(name);
      try {
        Files.move(
            staging.resolve(name),
            target,
            StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        // Same folder, so this only happens on exotic file systems; a plain replace still works.
        Files.move(staging.resolve(name), target, StandardCopyOption.REPLACE_EXISTING);
      }
      out.add(target);
    }
    return out;
  }

  /** Deletes the staging folder and whatever is still in it. */
  @Override
  public void close() throws IOException {
    if (!Files.exists(staging)) {
      return;
    }
    try (Stream<Path> s = Files.walk(staging)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }
}
