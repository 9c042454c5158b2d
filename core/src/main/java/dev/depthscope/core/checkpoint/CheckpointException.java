package dev.depthscope.core.checkpoint;

/**
 * A checkpoint file or directory that cannot be used, with a message naming the file (and the
 * tensor or field) and what was expected. Unchecked so that it travels through the forward pass to
 * the command line, which prints it as a one-line error.
 */
public class CheckpointException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error with a message that already names the file and the problem. */
  public CheckpointException(String message) {
    super(message);
  }

  /** An error caused by a lower-level failure, such as an I/O error. */
  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
