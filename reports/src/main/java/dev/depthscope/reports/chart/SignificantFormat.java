package dev.depthscope.reports.chart;

import dev.depthscope.reports.Format;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;

/**
 * Tick labels with a fixed number of significant digits, for log axes whose ticks fall on geometric
 * steps (0.126, 0.158, 0.2, ...) that a fixed-decimals format would show as 0.13 or 0.1260.
 */
final class SignificantFormat extends NumberFormat {
  private static final long serialVersionUID = 1L;
  private final int digits;

  SignificantFormat(int digits) {
    this.digits = digits;
  }

  @Override
  public StringBuffer format(double number, StringBuffer to, FieldPosition pos) {
    return to.append(Format.number(number, digits));
  }

  @Override
  public StringBuffer format(long number, StringBuffer to, FieldPosition pos) {
    return to.append(Format.number((double) number, digits));
  }

  @Override
  public Number parse(String source, ParsePosition pos) {
    throw new UnsupportedOperationException("labels only");
  }
}
