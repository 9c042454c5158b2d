package dev.depthscope.reports.chart;

import org.jfree.chart.JFreeChart;

/**
 * One chart of a report: what it is called, how to read it, and the JFreeChart that draws it.
 *
 * @param name file name without extension, e.g. {@code variance} for {@code variance.png} and
 *     {@code variance.svg}
 * @param title heading shown above the image in HTML (also its alt text)
 * @param caption one or two sentences on how to read the chart
 * @param chart the chart, styled and ready to render
 */
public record Chart(String name, String title, String caption, JFreeChart chart) {

  /** The chart's PNG file name, e.g. {@code variance.png}. */
  public String pngFile() {
    return name + ".png";
  }

  /** The chart's SVG file name, e.g. {@code variance.svg}. */
  public String svgFile() {
    return name + ".svg";
  }
}
