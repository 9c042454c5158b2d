package dev.depthscope.reports.html;

/**
 * HTML escaping. Every piece of text that reaches a page goes through {@link #text}, whether it
 * comes from a checkpoint (model names, config values, paths) or from us, so that a model named
 * {@code <script>...} shows as text and never runs.
 */
public final class Html {
  private Html() {}

  /**
   * {@code s} escaped for element content and double- or single-quoted attribute values; null
   * becomes the empty string. Control characters other than tab and newline are dropped (they are
   * not allowed in HTML and only garble the page).
   */
  public static String text(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> sb.append("&amp;");
        case '<' -> sb.append("&lt;");
        case '>' -> sb.append("&gt;");
        case '"' -> sb.append("&quot;");
        case '\'' -> sb.append("&#39;");
        default -> {
          if (c >= 0x20 && c != 0x7f || c == '\t' || c == '\n') {
            sb.append(c);
          }
        }
      }
    }
    return sb.toString();
  }
}
