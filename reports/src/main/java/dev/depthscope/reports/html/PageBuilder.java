package dev.depthscope.reports.html;

import java.util.List;
import java.util.Locale;

/**
 * Assembles one self-contained HTML page: inline CSS, images only as data URIs, no script, and a
 * Content-Security-Policy that forbids loading anything else, so even a bug that let markup through
 * could neither run code nor make a request. The only links are plain relative links to the chart
 * files beside the page, which a browser follows only when clicked. Text arguments are escaped
 * here; only the fixed markup of this package is written raw.
 */
final class PageBuilder {
  private static final String CSP =
      "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none';"
          + " form-action 'none'";

  // System fonts only: a web font would be a request.
  private static final String CSS =
      """
      :root { color-scheme: light; }
      body { margin: 0; background: #f6f6f4; color: #222;
        font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif; }
      main { max-width: 1040px; margin: 0 auto; padding: 24px 28px 48px; background: #fff; }
      h1 { font-size: 26px; margin: 0 0 4px; overflow-wrap: anywhere; }
      h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #ddd; }
      h3 { font-size: 16px; margin: 22px 0 6px; }
      .sub { color: #555; margin: 0 0 16px; overflow-wrap: anywhere; }
      .verdict { background: #eef4fa; border-left: 5px solid #0072b2; padding: 12px 18px; margin: 16px 0; }
      .verdict.warn { background: #fdf1e8; border-left-color: #d55e00; }
      .verdict .headline { font-size: 17px; font-weight: 600; margin: 0 0 6px; }
      .verdict ul { margin: 6px 0 0; padding-left: 20px; }
      figure { margin: 18px 0 26px; }
      figure img { display: block; width: 100%; max-width: 1000px; height: auto; border: 1px solid #e4e4e4; }
      figcaption { color: #444; font-size: 14px; margin-top: 6px; }
      .files { font-size: 13px; margin: 4px 0 0; color: #555; }
      .scroll { overflow-x: auto; }
      table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; }
      th, td { padding: 3px 8px; border-bottom: 1px solid #e6e6e6; text-align: right; white-space: nowrap; }
      th { background: #f0f0f0; position: sticky; top: 0; vertical-align: bottom; white-space: normal; }
      td.text, th.text { text-align: left; white-space: normal; overflow-wrap: anywhere; }
      tr.ineffective td { background: #fdf1e8; }
      tbody tr:hover td { background: #eef4fa; }
      dl dt { font-weight: 600; margin-top: 10px; }
      dl dd { margin: 2px 0 0 20px; }
      code { font-family: "DejaVu Sans Mono", monospace; font-size: 13px; }
      .note { color: #555; font-size: 14px; }
      """;

  private final StringBuilder sb = new StringBuilder(1 << 20);

  PageBuilder(String title) {
    sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"")
        .append(CSP)
        .append("\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        .append("<meta name=\"generator\" content=\"depthscope\">\n")
        // An empty data: icon stops browsers from asking a server for /favicon.ico.
        .append("<link rel=\"icon\" href=\"data:,\">\n<title>")
        .append(Html.text(title))
        .append("</title>\n<style>\n")
        .append(CSS)
        .append("</style>\n</head>\n<body>\n<main>\n");
  }

  /** Raw markup: only for fixed tags of this package, never for data. */
  PageBuilder raw(String markup) {
    sb.append(markup);
    return this;
  }

  /** Escaped text. */
  PageBuilder text(String s) {
    sb.append(Html.text(s));
    return this;
  }

  /** {@code <tag class="cls">text</tag>} with the text escaped. */
  PageBuilder el(String tag, String cls, String text) {
    sb.append('<').append(tag);
    if (cls != null) {
      sb.append(" class=\"").append(cls).append('"');
    }
    sb.append('>').append(Html.text(text)).append("</").append(tag).append(">\n");
    return this;
  }

  PageBuilder h2(String id, String text) {
    sb.append("<h2 id=\"").append(id).append("\">").append(Html.text(text)).append("</h2>\n");
    return this;
  }

  /** A bulleted list of escaped items. */
  PageBuilder list(List<String> items) {
    sb.append("<ul>\n");
    for (String s : items) {
      sb.append("<li>").append(Html.text(s)).append("</li>\n");
    }
    sb.append("</ul>\n");
    return this;
  }

  /** A figure with the chart embedded as a data URI. */
  PageBuilder figure(Figure f) {
    // The title is drawn in the image; the caption names it again for text-only readers.
    sb.append("<figure>\n<img src=\"")
        .append(f.dataUri())
        .append("\" width=\"")
        .append(f.width())
        .append("\" height=\"")
        .append(f.height())
        .append("\" alt=\"")
        .append(Html.text(f.title()))
        .append("\">\n<figcaption><strong>")
        .append(Html.text(f.title()))
        .append(".</strong> ")
        .append(Html.text(f.caption()))
        .append("</figcaption>\n");
    files(f.files());
    sb.append("</figure>\n");
    return this;
  }

  /**
   * Links to a figure's files beside the page, labelled by format ({@code PNG}, {@code SVG}).
   * Relative links are not loaded with the page, so it still makes no request.
   */
  private void files(List<String> names) {
    if (names.isEmpty()) {
      return;
    }
    sb.append("<p class=\"files\">Files:");
    String sep = " ";
    for (String name : names) {
      String format = name.substring(name.lastIndexOf('.') + 1).toUpperCase(Locale.ROOT);
      sb.append(sep)
          .append("<a href=\"")
          .append(Html.text(name))
          .append("\" title=\"")
          .append(Html.text(name))
          .append("\">")
          .append(Html.text(format))
          .append("</a>");
      sep = " \u00b7 ";
    }
    sb.append("</p>\n");
  }

  /** A two-column key/value table, all text escaped. */
  PageBuilder keyValues(List<String[]> rows) {
    sb.append("<div class=\"scroll\"><table>\n<tbody>\n");
    for (String[] r : rows) {
      sb.append("<tr><th class=\"text\" scope=\"row\">")
          .append(Html.text(r[0]))
          .append("</th><td class=\"text\">")
          .append(Html.text(r[1]))
          .append("</td></tr>\n");
    }
    sb.append("</tbody>\n</table></div>\n");
    return this;
  }

  /** A definition list of (term, definition) pairs, escaped. */
  PageBuilder definitions(List<String[]> terms) {
    sb.append("<dl>\n");
    for (String[] t : terms) {
      sb.append("<dt>")
          .append(Html.text(t[0]))
          .append("</dt><dd>")
          .append(Html.text(t[1]))
          .append("</dd>\n");
    }
    sb.append("</dl>\n");
    return this;
  }

  String finish() {
    sb.append("</main>\n</body>\n</html>\n");
    return sb.toString();
  }
}
