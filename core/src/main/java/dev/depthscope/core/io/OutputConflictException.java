package dev.depthscope.core.io;

/**
 * An output directory that cannot be written now: another depthscope process is writing it, or it
 * already holds results and {@code --force} was not given. Bad usage, so it is an {@link
 * IllegalArgumentException} (exit 2); the message says what to do instead.
 */
public final class OutputConflictException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** A conflict described by {@code message}. */
  public OutputConflictException(String message) {
    super(message);
  }
}
