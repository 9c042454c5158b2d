package dev.depthscope.reports.chart;

import java.awt.Graphics2D;
import java.awt.geom.Rectangle2D;
import java.text.AttributedCharacterIterator;
import java.text.AttributedString;
import java.util.ArrayList;
import java.util.List;
import org.jfree.chart.axis.AxisState;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.LogTick;
import org.jfree.chart.axis.NumberTick;
import org.jfree.chart.ui.RectangleEdge;

/**
 * A log axis whose tick labels are plain strings. JFreeChart's {@link LogAxis} labels its ticks
 * with attributed strings (for superscript exponents) and draws those as glyph outlines, so in an
 * SVG the numbers would be shapes rather than text; our labels are plain numbers anyway (a number
 * format override), so handing them over as plain ticks draws the same labels as {@code <text>}.
 */
final class PlainLabelLogAxis extends LogAxis {
  private static final long serialVersionUID = 1L;

  PlainLabelLogAxis(String label) {
    super(label);
  }

  @Override
  @SuppressWarnings({"rawtypes", "unchecked"}) // JFreeChart's signature
  public List refreshTicks(
      Graphics2D g2, AxisState state, Rectangle2D dataArea, RectangleEdge edge) {
    List ticks = new ArrayList();
    for (Object o : super.refreshTicks(g2, state, dataArea, edge)) {
      if (o instanceof LogTick t) {
        AttributedString label = t.getAttributedLabel();
        ticks.add(
            new NumberTick(
                t.getTickType(),
                t.getValue(),
                label == null ? null : plain(label),
                t.getTextAnchor(),
                t.getRotationAnchor(),
                t.getAngle()));
      } else {
        ticks.add(o);
      }
    }
    return ticks;
  }

  private static String plain(AttributedString s) {
    StringBuilder sb = new StringBuilder();
    AttributedCharacterIterator it = s.getIterator();
    for (char c = it.first(); c != AttributedCharacterIterator.DONE; c = it.next()) {
      sb.append(c);
    }
    return sb.toString();
  }
}
