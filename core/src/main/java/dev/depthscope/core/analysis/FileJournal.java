package dev.depthscope.core.analysis;

import dev.depthscope.core.io.OutputSet;
import dev.depthscope.core.io.OutputWriteException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The journal of a resumable audit, a directory of files: {@code fingerprint.txt} (the {@link
 * AuditFingerprint} of the run, one {@code key=value} a line), one {@code chunk-NNNNN.bin} per
 * finished sweep chunk and one {@code pass-HASH.bin} per finished joint pass ({@link ChunkCodec}).
 * Each file is written to a temporary name, forced to disk and renamed into place, so a kill or a
 * power loss leaves either the whole record or none; a record that does not decode (a damaged disk)
 * is run again. The caller holds the output set's lock, so one process writes at a time.
 */
public final class FileJournal implements AuditJournal {
  /** The fingerprint's file name; a directory holding it is a journal. */
  public static final String FINGERPRINT = "fingerprint.txt";

  private final Path dir;
  private int restoredChunks;
  private long restoredEvaluations;
  private int restoredPasses;

  private FileJournal(Path dir) {
    this.dir = dir;
  }

  /** Whether {@code dir} holds a journal. */
  public static boolean exists(Path dir) {
    return Files.isRegularFile(dir.resolve(FINGERPRINT));
  }

  /** The finished chunks recorded in the journal at {@code dir}. */
  public static int chunksRecorded(Path dir) {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int n = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, "chunk-*.bin")) {
      for (Path ignored : s) {
        n++;
      }
    } catch (IOException e) {
      return 0;
    }
    return n;
  }

  /**
   * A new, empty journal at {@code dir} for a run of {@code fingerprint} (an earlier journal there
   * is deleted).
   */
  public static FileJournal create(Path dir, Map<String, String> fingerprint) throws IOException {
    OutputSet.deleteTree(dir);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new OutputWriteException(dir, e);
    }
    FileJournal j = new FileJournal(dir);
    try {
      j.writeAtomically(FINGERPRINT, AuditFingerprint.format(fingerprint));
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    return j;
  }

  /**
   * The journal at {@code dir}, to continue a run of {@code fingerprint}.
   *
   * @throws IllegalArgumentException when the journal was written for other inputs or options,
   *     naming every field that differs, the journal's value and the current one
   */
  public static FileJournal resume(Path dir, Map<String, String> fingerprint) throws IOException {
    Map<String, String> old =
        AuditFingerprint.parse(Files.readString(dir.resolve(FINGERPRINT), StandardCharsets.UTF_8));
    List<String> differences = differences(old, fingerprint);
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException(
          "cannot resume the interrupted audit in "
              + dir
              + ": its inputs differ ("
              + String.join("; ", differences)
              + "); rerun with the interrupted audit's inputs and options, or drop --resume and"
              + " pass --force to start again");
    }
    return new FileJournal(dir);
  }

  /** "batch: 4 in the journal, 2 now" for each field that differs. */
  static List<String> differences(Map<String, String> old, Map<String, String> now) {
    Set<String> keys = new LinkedHashSet<>(old.keySet());
    keys.addAll(now.keySet());
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      String a = old.getOrDefault(k, "(none)");
      String b = now.getOrDefault(k, "(none)");
      if (!a.equals(b)) {
        out.add(k + ": " + a + " in the journal, " + b + " now");
      }
    }
    return out;
  }

  /** The journal's directory. */
  public Path dir() {
    return dir;
  }

  /** Chunks taken from the journal instead of being run. */
  public int restoredChunks() {
    return restoredChunks;
  }

  /** Block evaluations of the chunks taken from the journal. */
  public long restoredEvaluations() {
    return restoredEvaluations;
  }

  /** Joint passes taken from the journal. */
  public int restoredPasses() {
    return restoredPasses;
  }

  /** Deletes the journal (the audit it served is published). */
  public void delete() throws IOException {
    OutputSet.deleteTree(dir);
  }

  @Override
  public ChunkResult chunk(int index) {
    byte[] bytes = readIfPresent(chunkName(index));
    if (bytes == null) {
      return null;
    }
    ChunkResult r;
    try {
      r = ChunkCodec.decodeChunk(bytes);
    } catch (IllegalArgumentException e) {
      return null; // damaged: run the chunk again
    }
    if (r.chunk() != index) {
      return null;
    }
    restoredChunks++;
    restoredEvaluations += r.blockEvaluations();
    return r;
  }

  @Override
  public void chunkDone(ChunkResult result) {
    writeAtomically(chunkName(result.chunk()), ChunkCodec.encode(result));
  }

  @Override
  public JointPass pass(String key) {
    byte[] bytes = readIfPresent(passName(key));
    if (bytes == null) {
      return null;
    }
    try {
      JointPass p = ChunkCodec.decodePass(key, bytes);
      if (p != null) {
        restoredPasses++;
      }
      return p;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public void passDone(String key, JointPass pass) {
    writeAtomically(passName(key), ChunkCodec.encode(key, pass));
  }

  private static String chunkName(int index) {
    return String.format("chunk-%05d.bin", index);
  }

  private static String passName(String key) {
    try {
      byte[] h = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return "pass-" + HexFormat.of().formatHex(h, 0, 12) + ".bin";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private byte[] readIfPresent(String name) {
    Path p = dir.resolve(name);
    if (!Files.isRegularFile(p)) {
      return null;
    }
    try {
      return Files.readAllBytes(p);
    } catch (IOException e) {
      throw new UncheckedIOException(p + ": cannot read the journal record", e);
    }
  }

  private void writeAtomically(String name, String text) {
    writeAtomically(name, text.getBytes(StandardCharsets.UTF_8));
  }

  // Temporary file, forced to disk, renamed over the name, then the directory forced, so the
  // rename itself survives a power loss.
  private void writeAtomically(String name, byte[] bytes) {
    Path target = dir.resolve(name);
    Path tmp = dir.resolve("." + name + ".tmp");
    try {
      try (FileChannel ch =
          FileChannel.open(
              tmp,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(bytes);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      try {
        Files.move(
            tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
        d.force(true);
      } catch (IOException e) {
        // Some file systems cannot force a directory; the record is written either way.
      }
    } catch (IOException e) {
      // Unchecked through the audit; the command unwraps it (exit code of a failed write).
      throw new UncheckedIOException(new OutputWriteException(target, e));
    }
  }
}
