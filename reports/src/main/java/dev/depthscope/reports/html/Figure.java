package dev.depthscope.reports.html;

import java.util.Base64;
import java.util.List;

/**
 * A rendered chart as a page embeds it.
 *
 * @param title heading and alt text
 * @param caption how to read it
 * @param png the PNG bytes, embedded as a data URI so the page needs no other file
 * @param width pixel width of the PNG
 * @param height pixel height of the PNG
 * @param files names of the chart's files written beside the page (e.g. {@code variance.png},
 *     {@code variance.svg}), which the page links under the figure; may be empty
 */
public record Figure(
    String title, String caption, byte[] png, int width, int height, List<String> files) {

  public Figure {
    files = List.copyOf(files);
  }

  /** The {@code data:image/png;base64,...} URI of the image. */
  public String dataUri() {
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
  }
}
