package dev.depthscope.reports;

import java.util.Locale;

/**
 * Which chart files a report writes beside {@code report.html}: PNG images, SVG drawings (for
 * papers and slides), or both. The page embeds its PNGs either way, so it stays one self-contained
 * file; it links the files that were written.
 */
public enum FigureFiles {
  /** Only {@code <chart>.png}. */
  PNG,
  /** Only {@code <chart>.svg}. */
  SVG,
  /** {@code <chart>.png} and {@code <chart>.svg}: the default. */
  BOTH;

  /** Whether PNG files are written. */
  public boolean png() {
    return this != SVG;
  }

  /** Whether SVG files are written. */
  public boolean svg() {
    return this != PNG;
  }

  /** The lower-case name used on the command line ({@code png}, {@code svg}, {@code both}). */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The value named {@code s}, in any case.
   *
   * @throws IllegalArgumentException naming the accepted values when {@code s} is none of them
   */
  public static FigureFiles parse(String s) {
    for (FigureFiles f : values()) {
      if (f.name().equalsIgnoreCase(s)) {
        return f;
      }
    }
    throw new IllegalArgumentException("expected png, svg or both, not \"" + s + "\"");
  }
}
