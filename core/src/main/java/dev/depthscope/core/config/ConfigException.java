package dev.depthscope.core.config;

/**
 * A {@code config.json} that cannot be used, with a message naming the file, the field and what was
 * expected.
 */
public class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error whose message names the file, the field and what was expected. */
  public ConfigException(String message) {
    super(message);
  }

  /** An error caused by a lower-level failure. */
  public ConfigException(String message, Throwable cause) {
    super(message, cause);
  }
}
