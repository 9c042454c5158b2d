package dev.depthscope.reports.chart;

import java.awt.Color;
import java.awt.Paint;
import org.jfree.chart.renderer.PaintScale;

/**
 * The viridis colour map (dark purple to yellow) between two bounds: perceptually uniform, readable
 * in grey scale and with colour blindness, unlike a rainbow.
 *
 * @param lower value drawn darkest
 * @param upper value drawn brightest (must exceed {@code lower})
 */
public record ViridisScale(double lower, double upper) implements PaintScale {
  // Nine evenly spaced samples of matplotlib's viridis; colours in between are interpolated.
  private static final int[] STOPS = {
    0x440154, 0x472D7B, 0x3B528B, 0x2C728E, 0x21918C, 0x28AE80, 0x5EC962, 0xADDC30, 0xFDE725
  };

  @Override
  public double getLowerBound() {
    return lower;
  }

  @Override
  public double getUpperBound() {
    return upper;
  }

  @Override
  public Paint getPaint(double value) {
    double t = Double.isNaN(value) ? 0 : (value - lower) / (upper - lower);
    t = Math.max(0, Math.min(1, t)) * (STOPS.length - 1);
    int i = Math.min((int) t, STOPS.length - 2);
    double f = t - i;
    Color a = new Color(STOPS[i]);
    Color b = new Color(STOPS[i + 1]);
    return new Color(
        mix(a.getRed(), b.getRed(), f),
        mix(a.getGreen(), b.getGreen(), f),
        mix(a.getBlue(), b.getBlue(), f));
  }

  private static int mix(int a, int b, double f) {
    return (int) Math.round(a + (b - a) * f);
  }
}
