package dev.depthscope.cli;

import dev.depthscope.core.analysis.PruningSweep;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr with rate and ETA, redrawn at most a few times a second. Silent
 * with {@code --quiet} or when {@code total} is 0.
 */
final class ConsoleProgress implements PruningSweep.ProgressListener {
  private final PrintWriter err;
  private final String label;
  private final boolean enabled;
  private final long start = System.nanoTime();
  private final boolean interactive;
  private long lastDraw;
  private int lastDecile = -1;

  ConsoleProgress(PrintWriter err, String label, boolean enabled) {
    this(err, label, enabled, System.console() != null);
  }

  /**
   * @param interactive redraw one line in place (a terminal); otherwise print a line per 10%, so
   *     logs stay readable
   */
  ConsoleProgress(PrintWriter err, String label, boolean enabled, boolean interactive) {
    this.err = err;
    this.label = label;
    this.enabled = enabled;
    this.interactive = interactive;
  }

  @Override
  public void blockEvaluated(long done, long total) {
    if (!enabled || total <= 0) {
      return;
    }
    long now = System.nanoTime();
    int decile = (int) (10 * done / total);
    if (interactive ? done < total && now - lastDraw < 200_000_000L : decile == lastDecile) {
      return;
    }
    lastDecile = decile;
    lastDraw = now;
    double elapsed = (now - start) / 1e9;
    double frac = (double) done / total;
    int width = 30;
    int filled = (int) Math.round(frac * width);
    String bar = "=".repeat(filled) + " ".repeat(width - filled);
    double eta = done == 0 ? Double.NaN : elapsed * (total - done) / done;
    err.printf(
        Locale.ROOT,
        (interactive ? "\r" : "") + "%s [%s] %3.0f%% %d/%d blocks, %s elapsed, ETA %s ",
        label,
        bar,
        100 * frac,
        done,
        total,
        time(elapsed),
        Double.isNaN(eta) ? "?" : time(eta));
    if (done >= total || !interactive) {
      err.println();
    }
    err.flush();
  }

  private static String time(double s) {
    long t = Math.round(s);
    return t >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60)
        : String.format(Locale.ROOT, "%d:%02d", t / 60, t % 60);
  }
}
