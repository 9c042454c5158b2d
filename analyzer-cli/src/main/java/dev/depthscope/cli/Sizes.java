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

  /** Half of the machine's available physical memory (the states live in native memory). */
  static long defaultBudget() {
    return Math.max(64L << 20, availableMemory() / 2);
  }

  /**
   * Memory the machine can give without swapping: Linux's MemAvailable (free memory plus page cache
   * that can be dropped, which after reading a large checkpoint is most of it), else the JVM's view
   * of free memory.
   */
  static long availableMemory() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemAvailable:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: fall through
    }
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean sun) {
      return sun.getFreeMemorySize();
    }
    return Runtime.getRuntime().maxMemory();
  }

  static String human(long bytes) {
    return dev.depthscope.core.model.MemoryEstimate.human(bytes);
  }
}
