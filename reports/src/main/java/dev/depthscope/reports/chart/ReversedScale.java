package dev.depthscope.reports.chart;

import java.awt.Paint;
import org.jfree.chart.renderer.PaintScale;

/**
 * A colour scale read backwards: the lower bound gets the colour the upper one had. The paper's
 * heatmaps use matplotlib's {@code viridis_r}, so small distances (blocks close to the identity)
 * are bright there.
 *
 * @param scale the scale reversed
 */
public record ReversedScale(PaintScale scale) implements PaintScale {
  @Override
  public double getLowerBound() {
    return scale.getLowerBound();
  }

  @Override
  public double getUpperBound() {
    return scale.getUpperBound();
  }

  @Override
  public Paint getPaint(double value) {
    return scale.getPaint(scale.getLowerBound() + scale.getUpperBound() - value);
  }
}
