package dev.depthscope.reports.chart;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;

/**
 * Renders charts to PNG bytes without a display. The chart is laid out at {@link
 * ChartStyle#BASE_WIDTH} pixels wide and the drawing scaled to the requested width, so a 1600x900
 * PNG is a sharp 2x rendering of the 800x450 one rather than a layout with tiny text.
 */
public final class PngRenderer {
  static {
    // Must be set before AWT initialises; a caller that already chose keeps its choice.
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  private PngRenderer() {}

  /** Width of the PNG files a report writes and embeds (a 2x rendering of the base layout). */
  public static final int REPORT_WIDTH = 1600;

  /** Height of the PNG files a report writes and embeds. */
  public static final int REPORT_HEIGHT = 900;

  /** The chart as a {@code width x height} PNG. */
  public static byte[] png(JFreeChart chart, int width, int height) {
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("image size must be positive: " + width + "x" + height);
    }
    double scale = (double) width / ChartStyle.BASE_WIDTH;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
      g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
      g.scale(scale, scale);
      chart.draw(g, new Rectangle2D.Double(0, 0, ChartStyle.BASE_WIDTH, height / scale));
    } finally {
      g.dispose();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a byte array stream does not fail
    }
    return out.toByteArray();
  }
}
