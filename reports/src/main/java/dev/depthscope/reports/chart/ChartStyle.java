package dev.depthscope.reports.chart;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.text.TextUtils;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.title.Title;
import org.jfree.chart.ui.RectangleInsets;

/**
 * The look shared by every chart: fonts sized for an 800x450 layout (PNGs of other sizes scale the
 * whole drawing, so text stays readable at 1600x900 and at 800x450), a white background, light grid
 * lines, and the Okabe-Ito palette, which stays distinguishable with colour blindness.
 */
public final class ChartStyle {
  static {
    // JFreeChart draws rotated text (the vertical axis labels) as glyph outlines by default, a
    // workaround for a rotation bug of old JDKs; without it rotated text is drawn as text, which
    // the SVG figures keep as <text>. Set once, before any chart exists, for PNG and SVG alike.
    TextUtils.setUseDrawRotatedStringWorkaround(false);
  }

  private ChartStyle() {}

  /** Width of the layout charts are drawn in; renderings scale it to the requested size. */
  public static final int BASE_WIDTH = 800;

  /** Height of the layout charts are drawn in. */
  public static final int BASE_HEIGHT = 450;

  static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 17);
  static final Font SUBTITLE = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final Font AXIS_LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
  static final Font TICK = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
  static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
  static final Color GRID = new Color(0xDD, 0xDD, 0xDD);
  static final Color TEXT = new Color(0x22, 0x22, 0x22);

  private static final Color[] PALETTE = {
    new Color(0x0072B2), // blue
    new Color(0xD55E00), // vermillion
    new Color(0x009E73), // bluish green
    new Color(0xCC79A7), // reddish purple
    new Color(0xE69F00), // orange
    new Color(0x56B4E9), // sky blue
    new Color(0x000000), // black
    new Color(0x8C6D1F), // brown (yellow is too light on white)
  };

  /** The i-th colour of the palette, cycling. */
  public static Paint colour(int i) {
    return PALETTE[Math.floorMod(i, PALETTE.length)];
  }

  /** A line stroke of the given width (in the 800x450 layout). */
  static BasicStroke line(float width) {
    return new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
  }

  /** A dashed stroke, for reference lines. */
  static BasicStroke dashed(float width) {
    return new BasicStroke(
        width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f}, 0f);
  }

  /** Applies fonts, colours and backgrounds to {@code chart}, which must have an XY plot. */
  static JFreeChart apply(JFreeChart chart) {
    chart.setBackgroundPaint(Color.WHITE);
    chart.setPadding(new RectangleInsets(6, 8, 6, 14));
    chart.setTextAntiAlias(true);
    if (chart.getTitle() != null) {
      chart.getTitle().setFont(TITLE);
      chart.getTitle().setPaint(TEXT);
    }
    for (Object o : chart.getSubtitles()) {
      styleSubtitle((Title) o);
    }
    XYPlot plot = chart.getXYPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setOutlineVisible(false);
    plot.setDomainGridlinePaint(GRID);
    plot.setRangeGridlinePaint(GRID);
    plot.setDomainGridlineStroke(line(0.8f));
    plot.setRangeGridlineStroke(line(0.8f));
    plot.setAxisOffset(new RectangleInsets(4, 4, 4, 4));
    for (int i = 0; i < plot.getDomainAxisCount(); i++) {
      styleAxis(plot.getDomainAxis(i));
    }
    for (int i = 0; i < plot.getRangeAxisCount(); i++) {
      styleAxis(plot.getRangeAxis(i));
    }
    return chart;
  }

  private static void styleSubtitle(Title t) {
    if (t instanceof LegendTitle legend) {
      legend.setItemFont(LEGEND);
      legend.setFrame(BlockBorder.NONE);
      legend.setBackgroundPaint(Color.WHITE);
    } else if (t instanceof TextTitle text) {
      text.setFont(SUBTITLE);
      text.setPaint(new Color(0x55, 0x55, 0x55));
    } else if (t instanceof PaintScaleLegend scale) {
      styleAxis(scale.getAxis());
      scale.setBackgroundPaint(Color.WHITE);
    }
  }

  static void styleAxis(Axis axis) {
    axis.setLabelFont(AXIS_LABEL);
    axis.setLabelPaint(TEXT);
    axis.setTickLabelFont(TICK);
    axis.setTickLabelPaint(TEXT);
    axis.setAxisLinePaint(new Color(0x88, 0x88, 0x88));
    axis.setTickMarkPaint(new Color(0x88, 0x88, 0x88));
    if (axis instanceof NumberAxis n) {
      n.setAutoRangeStickyZero(false); // keep a margin so points at 0 are not cut
    }
  }
}
