package dev.depthscope.core.tokenize;

/**
 * A tokenizer directory that cannot be used, with a message naming the file (and the field, where
 * there is one) and what was expected. Unchecked so that it reaches the command line, which prints
 * it as a one-line error, without every caller declaring it.
 */
public class TokenizerException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** An error whose message already names the file and the problem. */
  public TokenizerException(String message) {
    super(message);
  }

  /** An error caused by a lower-level failure, such as an I/O or JSON syntax error. */
  public TokenizerException(String message, Throwable cause) {
    super(message, cause);
  }
}
