package dev.depthscope.core.checkpoint;

/**
 * Renders text taken from a checkpoint (tensor names, metadata keys, dtype strings) for a one-line
 * error message: control, line-separator and surrogate characters become {@code \}{@code uXXXX}
 * escapes and long text is shortened, so a hostile header cannot break the message over lines or
 * flood it.
 */
final class Names {
  /** Longest text shown; the rest is replaced by an ellipsis. */
  static final int MAX_SHOWN = 120;

  private Names() {}

  /** {@code text} in double quotes, with quotes and backslashes escaped too. */
  static String quote(String text) {
    return "\"" + escape(text, true) + "\"";
  }

  /** {@code text} with unprintable characters escaped. */
  static String printable(String text) {
    return escape(text, false);
  }

  private static String escape(String text, boolean quoted) {
    boolean cut = text.length() > MAX_SHOWN;
    String shown = cut ? text.substring(0, MAX_SHOWN) : text;
    StringBuilder sb = new StringBuilder(shown.length() + 8);
    for (int i = 0; i < shown.length(); i++) {
      char c = shown.charAt(i);
      if (quoted && (c == '"' || c == '\\')) {
        sb.append('\\').append(c);
      } else if (Character.isHighSurrogate(c)
          && i + 1 < shown.length()
          && Character.isLowSurrogate(shown.charAt(i + 1))) {
        sb.append(c).append(shown.charAt(++i));
      } else if (c < 0x20
          || (c >= 0x7f && c <= 0x9f)
          || c == '\u2028'
          || c == '\u2029'
          || Character.isSurrogate(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return cut ? sb.append("...").toString() : sb.toString();
  }
}
