package dev.depthscope.core.checkpoint;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our own words for a syntax error reported by Gson's {@code JsonReader}: the kind of error and
 * where, never the reader's own text, which advises lenient parsing and links to its
 * troubleshooting guide rather than saying what is wrong with the file.
 */
final class JsonSyntax {
  private static final Pattern POSITION = Pattern.compile(" at line (\\d+) column (\\d+)");

  private JsonSyntax() {}

  /** What went wrong, from the reader's exception (null when unknown). */
  static String reason(Exception cause, int maxDepth) {
    String message = text(cause);
    if (message.startsWith("Unescaped control characters")) {
      return "unescaped control character in a string";
    } else if (message.startsWith("Invalid escape sequence")) {
      return "invalid escape sequence in a string";
    } else if (message.startsWith("Unterminated")) {
      return "unterminated string, object or array";
    } else if (message.startsWith("Expected name")) {
      return "expected a key in double quotes";
    } else if (message.startsWith("Expected ':'")) {
      return "expected ':' after a key";
    } else if (message.startsWith("Nesting limit")) {
      return "nested deeper than " + maxDepth + " levels";
    } else if (message.contains("End of input") || message.contains("end of input")) {
      return "the header ends before the JSON object does";
    }
    return "syntax error";
  }

  /** {@code " at line L column C"} when the reader said where, else empty. */
  static String position(Exception cause) {
    Matcher m = POSITION.matcher(text(cause));
    return m.find() ? " at line " + m.group(1) + " column " + m.group(2) : "";
  }

  private static String text(Exception cause) {
    return cause == null || cause.getMessage() == null ? "" : cause.getMessage();
  }
}
