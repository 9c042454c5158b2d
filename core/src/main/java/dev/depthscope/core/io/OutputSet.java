package dev.depthscope.core.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A set of output files (an audit's {@code audit.json}, report, table and charts) written as one:
 * staged in {@code .NAME.staging-PID-RANDOM} beside the target directory and swapped in only when
 * every file is written, so the files always describe the same run, even after a full disk or a
 * crash. A lock on {@code .NAME.lock} beside the target, held from {@link #open} to {@link #close},
 * refuses a second writer; staging directories left by dead processes are removed at the next open
 * (a resumable writer's {@link #journal} is kept). Files get the permissions the user's umask
 * gives.
 */
public final class OutputSet implements AutoCloseable {
  /** What to do when the target directory already holds files. */
  public enum Existing {
    /** Refuse (the default without {@code --force}). */
    REFUSE,
    /** Replace the old set by the new one ({@code --force}). */
    REPLACE,
    /** Replace only the files of the same name, keep the others (a report beside its audit). */
    MERGE
  }

  private static final SecureRandom RANDOM = new SecureRandom();

  /** Files of an earlier set that a new one may replace whole, beside the new set's own names. */
  private static final List<String> RESULT_NAMES =
      List.of("audit.json", "report.html", "layers.csv", "comparison.json");

  private static final List<String> CHART_SUFFIXES = List.of(".png", ".svg");

  private final Path target;
  private final Existing existing;
  private final UnaryOperator<OutputStream> wrap;
  private final boolean inside;
  private final Path lockFile;
  private final FileChannel lockChannel;
  private final FileLock lock;
  private final Path staging;
  private final Path journal;
  private final List<String> names = new ArrayList<>();

  private OutputSet(Path target, Existing existing, UnaryOperator<OutputStream> wrap)
      throws IOException {
    this.target = target;
    this.existing = existing;
    this.wrap = wrap;
    Path parent = target.getParent();
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw new OutputConflictException(target + ": exists and is not a directory");
    }
    try {
      Files.createDirectories(parent);
    } catch (IOException e) {
      throw new OutputWriteException(parent, e);
    }
    // A merge into an existing directory (or one whose parent we may not write, as for --out .
    // in a home folder) is staged inside it, as it is published file by file anyway.
    this.inside =
        Files.isDirectory(target)
            && (existing == Existing.MERGE
                || Files.isSymbolicLink(target)
                || !Files.isWritable(parent));
    Path home = inside ? target : parent;
    String prefix = inside ? ".depthscope." : "." + target.getFileName() + ".";
    this.lockFile = home.resolve(prefix + "lock");
    this.journal = home.resolve(prefix + "journal");
    FileChannel ch;
    try {
      ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new OutputWriteException(lockFile, e);
    }
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      l = null;
    }
    if (l == null) {
      String holder = holder(lockFile);
      ch.close();
      throw new OutputConflictException(
          target
              + " is being written by another depthscope process"
              + (holder.isEmpty() ? "" : " (pid " + holder + ")")
              + "; wait for it or choose another --out");
    }
    this.lockChannel = ch;
    this.lock = l;
    try {
      ch.truncate(0);
      ch.write(
          ByteBuffer.wrap(
              (ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
      removeStale(home, prefix + "staging-", target);
      if (existing == Existing.REFUSE && holdsResults(target)) {
        throw new OutputConflictException(
            target
                + " already holds results; pass --force to replace them or choose another"
                + " --out");
      }
      this.staging =
          home.resolve(
              prefix
                  + "staging-"
                  + ProcessHandle.current().pid()
                  + "-"
                  + Long.toHexString(RANDOM.nextLong() >>> 16));
      try {
        Files.createDirectory(staging);
      } catch (IOException e) {
        throw new OutputWriteException(staging, e);
      }
    } catch (IOException | RuntimeException e) {
      releaseLock();
      throw e;
    }
  }

  /**
   * Locks {@code target} (a directory, created on {@link #publish} if missing) for writing and
   * opens a staging directory beside it.
   *
   * @throws OutputConflictException when another process is writing it, or it holds results and
   *     {@code existing} is {@link Existing#REFUSE}
   * @throws OutputWriteException when the parent directory cannot be created or written
   */
  public static OutputSet open(Path target, Existing existing) throws IOException {
    return open(target, existing, UnaryOperator.identity());
  }

  /**
   * As {@link #open(Path, Existing)}, every file's stream wrapped by {@code wrap} (a test seam).
   */
  static OutputSet open(Path target, Existing existing, UnaryOperator<OutputStream> wrap)
      throws IOException {
    Path t = target.toAbsolutePath().normalize();
    if (t.getParent() == null) {
      throw new OutputConflictException(target + ": cannot write results into the root folder");
    }
    return new OutputSet(t, existing, wrap);
  }

  /** Whether {@code dir} is a directory with at least one visible entry. */
  public static boolean holdsResults(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, p -> !hidden(p))) {
      return s.iterator().hasNext();
    }
  }

  /** The target directory (absolute). */
  public Path target() {
    return target;
  }

  /**
   * Where a resumable writer keeps its journal: {@code .NAME.journal} beside the lock. Unlike the
   * staging directory it is not removed by {@link #close} or as stale by the next writer, so a
   * killed run can be continued; the writer deletes it once its set is published. Not created here.
   */
  public Path journal() {
    return journal;
  }

  /** Stages {@code bytes} as the file {@code name}; nothing is visible in the target yet. */
  public void write(String name, byte[] bytes) throws IOException {
    try (OutputStream out = newOutputStream(name)) {
      out.write(bytes);
    } catch (OutputWriteException e) {
      throw e;
    } catch (IOException e) {
      throw new OutputWriteException(target.resolve(name), e);
    }
  }

  /**
   * A stream staging the file {@code name}; its write failures name the file in the target
   * directory ({@link OutputWriteException}).
   */
  public OutputStream newOutputStream(String name) throws IOException {
    Path p = staging.resolve(name);
    Path shown = target.resolve(name);
    OutputStream raw;
    try {
      raw = Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new OutputWriteException(shown, e);
    }
    names.add(name);
    return new NamedFailures(wrap.apply(raw), shown);
  }

  /**
   * Makes the staged files the target's contents: renames the staging directory into place (the old
   * directory moved aside first and then deleted) or, for {@link Existing#MERGE} and a target
   * holding files depthscope did not write, moves the files one by one (in staging order).
   */
  public void publish() throws IOException {
    try {
      if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      } else if (!inside && existing != Existing.MERGE && onlyResults(target, names)) {
        Path old = staging.resolveSibling(staging.getFileName() + ".old");
        Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(old);
      } else {
        for (String name : names) {
          move(staging.resolve(name), target.resolve(name));
        }
      }
    } catch (OutputWriteException e) {
      throw e;
    } catch (IOException e) {
      throw new OutputWriteException(target, e);
    }
  }

  /** Deletes what is still staged (everything, unless published) and releases the lock. */
  @Override
  public void close() throws IOException {
    try {
      deleteTree(staging);
    } finally {
      releaseLock();
    }
  }

  private void releaseLock() throws IOException {
    try {
      if (inside) {
        // Not to leave a file among the results; a writer that opened it just now may lock the
        // unlinked file, which only weakens the lock for file-by-file merges.
        Files.deleteIfExists(lockFile);
      }
      lock.release();
    } finally {
      lockChannel.close();
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  // Only regular files depthscope writes (the names of the new set, an earlier set's, charts): safe
  // to replace as a whole. Anything else (a sub-folder, a model, the user's notes, the current
  // directory) is kept and only the same names are replaced.
  private static boolean onlyResults(Path dir, List<String> staged) throws IOException {
    if (dir.equals(Path.of("").toAbsolutePath())) {
      return false;
    }
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        String n = p.getFileName().toString();
        boolean ours =
            staged.contains(n)
                || RESULT_NAMES.contains(n)
                || CHART_SUFFIXES.stream().anyMatch(n.toLowerCase(Locale.ROOT)::endsWith);
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || !ours) {
          return false;
        }
      }
    }
    return true;
  }

  // Staging folders (and old sets moved aside) of processes that are gone. The lock is held, so
  // no live depthscope process writes this target; the pid check guards against a foreign lock.
  private static void removeStale(Path home, String prefix, Path target) throws IOException {
    try (DirectoryStream<Path> s = Files.newDirectoryStream(home, prefix + "*")) {
      for (Path p : s) {
        String rest = p.getFileName().toString().substring(prefix.length());
        int dash = rest.indexOf('-');
        long pid;
        try {
          pid = Long.parseLong(dash < 0 ? rest : rest.substring(0, dash));
        } catch (NumberFormatException e) {
          continue;
        }
        if (pid != ProcessHandle.current().pid()
            && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
          continue;
        }
        if (p.getFileName().toString().endsWith(".old")
            && !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
          // A crash between the two renames of a swap: the old set is all there is; put it back.
          Files.move(p, target, StandardCopyOption.ATOMIC_MOVE);
        } else {
          deleteTree(p);
        }
      }
    }
  }

  private static String holder(Path lockFile) {
    try {
      return Files.readString(lockFile, StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return "";
    }
  }

  private static boolean hidden(Path p) {
    return p.getFileName().toString().startsWith(".");
  }

  /** Deletes {@code dir} and everything below it (nothing when it does not exist). */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
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

  /** Reports a failed write with the file's name in the target directory. */
  private static final class NamedFailures extends OutputStream {
    private final OutputStream out;
    private final Path shown;

    NamedFailures(OutputStream out, Path shown) {
      this.out = out;
      this.shown = shown;
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        throw new OutputWriteException(shown, e);
      }
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        throw new OutputWriteException(shown, e);
      }
    }

    @Override
    public void flush() throws IOException {
      try {
        out.flush();
      } catch (IOException e) {
        throw new OutputWriteException(shown, e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        out.close();
      } catch (IOException e) {
        throw new OutputWriteException(shown, e);
      }
    }
  }
}
