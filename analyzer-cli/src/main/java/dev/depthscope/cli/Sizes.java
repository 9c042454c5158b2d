package dev.depthscope.cli;

import java.lang.management.ManagementFactory;
import java.util.Locale;

/** Byte sizes on the command line: {@code 512m}, {@code 8g}, {@code 1.5g}, plain bytes. */
final class Sizes {
  private Sizes() {}

  /** Parses a size with an optional k/m/g/t suffix (binary units). */
  static long parse(String text) {
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.endsWith("b")) {
      t = t.substring(0, t.length() - 1);
    }
    long unit = 1;
    if (!t.isEmpty()) {
      switch (t.charAt(t.length() - 1)) {
        case 'k' -> unit = 1L << 10;
        case 'm' -> unit = 1L << 20;
        case 'g' -> unit = 1L << 30;
        case 't' -> unit = 1L << 40;
        default -> unit = 1;
      }
    }
    String number = unit == 1 ? t : t.substring(0, t.length() - 1);
    try {
      double v = Double.parseDouble(number);
      if (v < 0 || Double.isNaN(v)) {
        throw new NumberFormatException();
      }
      return (long) (v * unit);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "size \"" + text + "\" is not a number of bytes with an optional k, m, g or t suffix");
    }
  }

  /** Half of the machine's free physical memory (the states live in native memory). */
  static long defaultBudget() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return Math.max(64L << 20, sun.getFreeMemorySize() / 2);
    }
    return Runtime.getRuntime().maxMemory() / 2;
  }

  static String human(long bytes) {
    return dev.depthscope.core.model.MemoryEstimate.human(bytes);
  }
}
