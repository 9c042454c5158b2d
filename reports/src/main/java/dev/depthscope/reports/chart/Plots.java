package dev.depthscope.reports.chart;

import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Ellipse2D;
import java.text.DecimalFormat;
import java.text.NumberFormat;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.TickUnits;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYItemRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYDataset;
import org.jfree.data.xy.XYZDataset;

/** Building blocks of the report charts: axes, renderers, markers, heatmaps. */
final class Plots {
  private Plots() {}

  /** An axis of layer indices {@code 0..max} with integer ticks and half a step of margin. */
  static NumberAxis layerAxis(String label, int min, int max) {
    NumberAxis axis = new NumberAxis(label);
    axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    axis.setRange(min - 0.5, max + 0.5);
    return axis;
  }

  /** The x axis of overlays: layer indices, or relative depth 0..1. */
  static NumberAxis depthAxis(boolean relative, Depth depth, int maxLayers) {
    if (!relative) {
      return depth == Depth.HIDDEN_STATE
          ? layerAxis("layer l (h_l = output of block l−1)", 1, maxLayers)
          : layerAxis("block l", 0, maxLayers - 1);
    }
    NumberAxis axis = new NumberAxis("relative depth (0 = embedding output, 1 = last block)");
    axis.setRange(-0.02, 1.02);
    axis.setNumberFormatOverride(new DecimalFormat("0.0#"));
    return axis;
  }

  /**
   * A value axis. A logarithmic one puts its ticks on geometric steps (powers of ten over wide
   * ranges, finer steps over narrow ones) labelled with plain numbers, so even a range within one
   * decade, such as a variance from 72 to 186, gets labels.
   */
  static ValueAxis valueAxis(String label, boolean log, boolean includeZero) {
    if (log) {
      LogAxis axis = new PlainLabelLogAxis(label);
      axis.setBase(10);
      // Steps in powers of ten: 10^0.1 apart at the finest, so narrow ranges get a handful of
      // labels instead of JFreeChart's default 10^0.05 crowd.
      NumberFormat fmt = new SignificantFormat(3);
      axis.setNumberFormatOverride(fmt);
      TickUnits units = new TickUnits();
      for (double u : new double[] {0.1, 0.2, 0.5, 1, 2, 5, 10}) {
        units.add(new NumberTickUnit(u, fmt, u < 1 ? 2 : 10));
      }
      axis.setStandardTickUnits(units);
      axis.setMinorTickMarksVisible(true);
      return axis;
    }
    NumberAxis axis = new NumberAxis(label);
    axis.setAutoRangeIncludesZero(includeZero);
    return axis;
  }

  /** Lines with round markers, one colour per series. */
  static XYLineAndShapeRenderer lines(int series, boolean shapes) {
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, shapes);
    for (int i = 0; i < series; i++) {
      r.setSeriesPaint(i, ChartStyle.colour(i));
      r.setSeriesStroke(i, ChartStyle.line(2f));
      r.setSeriesShape(i, dot(5));
    }
    return r;
  }

  /** Markers with vertical error bars (the bootstrap intervals), one colour per series. */
  static XYErrorRenderer errorBars(int series) {
    XYErrorRenderer r = new XYErrorRenderer();
    r.setDrawXError(false);
    r.setDrawYError(true);
    r.setCapLength(5);
    r.setErrorStroke(ChartStyle.line(1.3f));
    r.setDefaultShapesVisible(true);
    r.setDefaultLinesVisible(false);
    for (int i = 0; i < series; i++) {
      r.setSeriesPaint(i, ChartStyle.colour(i));
      r.setSeriesShape(i, dot(7));
    }
    return r;
  }

  static Ellipse2D dot(double size) {
    return new Ellipse2D.Double(-size / 2, -size / 2, size, size);
  }

  /** A chart around {@code plot} with a title, an optional subtitle and an optional legend. */
  static JFreeChart chart(String title, String subtitle, XYPlot plot, boolean legend) {
    JFreeChart chart = new JFreeChart(title, ChartStyle.TITLE, plot, legend);
    if (subtitle != null && !subtitle.isEmpty()) {
      chart.addSubtitle(0, new TextTitle(subtitle, ChartStyle.SUBTITLE));
    }
    if (legend) {
      chart.getLegend().setPosition(RectangleEdge.BOTTOM);
    }
    return ChartStyle.apply(chart);
  }

  static XYPlot plot(XYDataset data, ValueAxis x, ValueAxis y, XYItemRenderer r) {
    return new XYPlot(data, x, y, r);
  }

  /** A dashed horizontal reference line with a label at its right end. */
  static void horizontalLine(XYPlot plot, double y, String label, Color colour) {
    ValueMarker m = new ValueMarker(y, colour, ChartStyle.dashed(1.5f));
    if (label != null) {
      m.setLabel(label);
      m.setLabelFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      m.setLabelPaint(colour.darker());
      m.setLabelAnchor(RectangleAnchor.TOP_RIGHT);
      m.setLabelTextAnchor(TextAnchor.BOTTOM_RIGHT);
      m.setLabelOffset(new RectangleInsets(2, 2, 2, 6));
      m.setLabelBackgroundColor(new Color(255, 255, 255, 210));
    }
    plot.addRangeMarker(0, m, Layer.BACKGROUND);
  }

  /**
   * A heatmap of unit cells centred on integer (x, y), coloured by viridis from 0 to the largest z,
   * with a colour legend titled {@code zLabel} on the right.
   */
  static JFreeChart heatmap(
      String title,
      String subtitle,
      XYZDataset data,
      NumberAxis x,
      NumberAxis y,
      String zLabel,
      double zMax) {
    return heatmap(title, subtitle, data, x, y, zLabel, new ViridisScale(0, zMax > 0 ? zMax : 1));
  }

  /**
   * {@link #heatmap(String, String, XYZDataset, NumberAxis, NumberAxis, String, double)} coloured
   * by {@code scale}.
   */
  static JFreeChart heatmap(
      String title,
      String subtitle,
      XYZDataset data,
      NumberAxis x,
      NumberAxis y,
      String zLabel,
      PaintScale scale) {
    XYBlockRenderer r = new XYBlockRenderer();
    r.setBlockWidth(1);
    r.setBlockHeight(1);
    r.setBlockAnchor(RectangleAnchor.CENTER);
    r.setPaintScale(scale);
    XYPlot plot = new XYPlot(data, x, y, r);
    plot.setDomainGridlinesVisible(false);
    plot.setRangeGridlinesVisible(false);
    JFreeChart chart = new JFreeChart(title, ChartStyle.TITLE, plot, false);
    if (subtitle != null && !subtitle.isEmpty()) {
      chart.addSubtitle(new TextTitle(subtitle, ChartStyle.SUBTITLE));
    }
    NumberAxis zAxis = new NumberAxis(zLabel);
    zAxis.setRange(scale.getLowerBound(), scale.getUpperBound());
    PaintScaleLegend legend = new PaintScaleLegend(scale, zAxis);
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setStripWidth(14);
    legend.setSubdivisionCount(128);
    legend.setAxisLocation(org.jfree.chart.axis.AxisLocation.BOTTOM_OR_RIGHT);
    legend.setMargin(new RectangleInsets(8, 12, 8, 4));
    chart.addSubtitle(legend);
    ChartStyle.apply(chart);
    plot.setBackgroundPaint(new Color(0xF4, 0xF4, 0xF4)); // undefined cells read as "no value"
    return chart;
  }

  /** The largest z value of a dataset's first series (0 when empty). */
  static double maxZ(XYZDataset d) {
    double max = 0;
    for (int i = 0; i < d.getItemCount(0); i++) {
      max = Math.max(max, d.getZValue(0, i));
    }
    return max;
  }
}
