package dev.depthscope.reports;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/**
 * Number formatting for people (charts, HTML): fixed significant digits, no exponent for ordinary
 * magnitudes, an en dash for undefined values, and the same output on every locale.
 */
public final class Format {
  private Format() {}

  /** What undefined numbers (null, NaN) print as. */
  public static final String UNDEFINED = "\u2013";

  /** {@code x} with {@code digits} significant digits, e.g. {@code 0.001234} or {@code 186.3}. */
  public static String number(double x, int digits) {
    if (Double.isNaN(x)) {
      return UNDEFINED;
    }
    if (Double.isInfinite(x)) {
      return x > 0 ? "\u221e" : "\u2212\u221e";
    }
    if (x == 0) {
      return "0";
    }
    double abs = Math.abs(x);
    if (abs >= 1e7 || abs < 1e-4) {
      return String.format(Locale.ROOT, "%." + (digits - 1) + "e", x);
    }
    BigDecimal d = new BigDecimal(x).round(new MathContext(digits));
    return d.stripTrailingZeros().toPlainString();
  }

  /** A nullable number; null prints as {@link #UNDEFINED}. */
  public static String number(Double x, int digits) {
    return x == null ? UNDEFINED : number(x.doubleValue(), digits);
  }

  /** A fraction as a percentage with up to one decimal, e.g. {@code 0.0125 -> 1.3%}. */
  public static String percent(double fraction) {
    if (Double.isNaN(fraction)) {
      return UNDEFINED;
    }
    String s = String.format(Locale.ROOT, "%.1f", 100 * fraction);
    return (s.endsWith(".0") ? s.substring(0, s.length() - 2) : s) + "%";
  }

  /** A nullable fraction as a percentage. */
  public static String percent(Double fraction) {
    return fraction == null ? UNDEFINED : percent(fraction.doubleValue());
  }
}
