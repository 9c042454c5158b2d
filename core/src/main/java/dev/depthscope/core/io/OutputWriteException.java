package dev.depthscope.core.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * An output that could not be written (a full disk, no permission, a file where a directory should
 * be). The message is one line, {@code PATH: cannot write (REASON)}, the reason in the system's
 * words; the CLI exits with its own code for it, and the previous output is left as it was.
 */
public final class OutputWriteException extends IOException {
  private static final long serialVersionUID = 1L;

  private final transient Path path;

  /** {@code path} could not be written because of {@code cause}. */
  public OutputWriteException(Path path, IOException cause) {
    super(path + ": cannot write (" + reason(cause) + ")", cause);
    this.path = path;
  }

  /** The output that could not be written. */
  public Path path() {
    return path;
  }

  /** Why {@code e} failed, in the system's words, without the path it already names. */
  static String reason(IOException e) {
    if (e instanceof FileSystemException f) {
      if (f.getReason() != null) {
        return f.getReason();
      }
      if (f instanceof AccessDeniedException) {
        return "Permission denied";
      }
      if (f instanceof NoSuchFileException) {
        return "No such file or directory";
      }
      if (f instanceof NotDirectoryException || f instanceof FileAlreadyExistsException) {
        return "Not a directory";
      }
    }
    return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
  }
}
