package dev.depthscope.reports.chart;

import java.awt.geom.Rectangle2D;
import java.math.BigDecimal;
import java.math.RoundingMode;
import org.jfree.chart.JFreeChart;
import org.jfree.svg.SVGGraphics2D;
import org.jfree.svg.ViewBox;

/**
 * Renders charts to standalone SVG documents (JFreeSVG), for figures that stay sharp in a paper or
 * a slide. The drawing is the one {@link PngRenderer} rasterises: laid out at {@link
 * ChartStyle#BASE_WIDTH} pixels wide and scaled to the requested size, so the SVG of a 1600x900
 * chart has the PNG's layout and size. Text stays {@code <text>} (selectable, searchable,
 * editable), not glyph outlines.
 */
public final class SvgRenderer {
  private SvgRenderer() {}

  /**
   * The chart as a {@code width x height} SVG document: an XML declaration and one {@code <svg>}
   * element with that width, height and view box. No DOCTYPE, so reading it never asks the network
   * for a DTD.
   */
  public static String svg(JFreeChart chart, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
    }
    double scale = (double) width / ChartStyle.BASE_WIDTH;
    SVGGraphics2D g = new SVGGraphics2D(width, height);
    // Clip-path ids are otherwise prefixed with the current time: fixed ones make the output
    // depend only on the chart.
    g.setDefsKeyPrefix("depthscope-");
    // Four decimals, well below a pixel: shorter files than the default full precision.
    g.setGeomDoubleConverter(SvgRenderer::fourDecimals);
    g.setTransformDoubleConverter(SvgRenderer::fourDecimals);
    try {
      g.scale(scale, scale);
      chart.draw(g, new Rectangle2D.Double(0, 0, ChartStyle.BASE_WIDTH, height / scale));
      String svg = g.getSVGElement(null, true, new ViewBox(0, 0, width, height), null, null);
      return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + svg + "\n";
    } finally {
      g.dispose();
    }
  }

  private static String fourDecimals(double d) {
    if (!Double.isFinite(d)) {
      return Double.toString(d);
    }
    return BigDecimal.valueOf(d)
        .setScale(4, RoundingMode.HALF_EVEN)
        .stripTrailingZeros()
        .toPlainString();
  }
}
