package dev.depthscope.reports.chart;

import java.util.Locale;

/**
 * How a report draws the n-layers-ahead angular distance: our raw values only, or also the Curse of
 * Depth paper's drawing of the same matrix beside them (see {@link PaperHeatmap}).
 */
public enum HeatmapStyle {
  /** The raw {@code last_token_angular_matrix} (the default). */
  OURS,
  /** The raw matrix and, beside it, the paper's transposed, row-normalized, post-norm drawing. */
  PAPER;

  /** The lower-case name used on the command line ({@code ours}, {@code paper}). */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The value named {@code s}, in any case.
   *
   * @throws IllegalArgumentException naming the accepted values when {@code s} is none of them
   */
  public static HeatmapStyle parse(String s) {
    for (HeatmapStyle h : values()) {
      if (h.name().equalsIgnoreCase(s)) {
        return h;
      }
    }
    throw new IllegalArgumentException("expected ours or paper, not \"" + s + "\"");
  }
}
