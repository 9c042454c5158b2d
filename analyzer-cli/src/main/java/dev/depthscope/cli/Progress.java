package dev.depthscope.cli;

import dev.depthscope.core.analysis.PruningSweep;
import dev.depthscope.trainer.train.StepListener;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The one progress-bar factory of the command line: ASCII bars (me.tongfei progressbar) with rate
 * and ETA on standard error, for loading weights, forward passes ({@code trace}), pruning sweeps
 * (the audit's forward passes) and training. A factory made with {@code enabled = false} ({@code
 * --quiet}, {@code --json}) hands out bars that draw nothing, so commands never branch on whether
 * progress is shown.
 *
 * <p>On a terminal a bar redraws one line in place; otherwise (logs, pipes, tests) it prints a line
 * when it starts, at every tenth of the work and when it ends, so logs stay readable.
 */
final class Progress {
  private static final int LOG_WIDTH = 100;

  private final PrintWriter err;
  private final boolean enabled;
  private final boolean interactive;

  /**
   * @param err where bars are drawn
   * @param enabled false for bars that draw nothing
   * @param interactive redraw in place (a terminal) rather than print a line per tenth
   */
  Progress(PrintWriter err, boolean enabled, boolean interactive) {
    this.err = err;
    this.enabled = enabled;
    this.interactive = interactive;
  }

  /** Bars on {@code err}, redrawn in place when the process runs on a terminal. */
  static Progress on(PrintWriter err, boolean enabled) {
    return new Progress(err, enabled, System.console() != null);
  }

  /**
   * A bar for {@code total} units, e.g. {@code bar("load", 24, "blocks")}; with {@code total <= 0}
   * it first draws when the first update brings the total.
   */
  Bar bar(String task, long total, String unit) {
    Bar bar = new Bar(enabled ? this : null, task, unit);
    if (total > 0) {
      bar.start(total);
    }
    return bar;
  }

  /**
   * A bar for the passes of a pruning sweep: block evaluations, then states through the LM head
   * (its total arrives with the first update), so it reaches 100% when the sweep is done.
   */
  Bar sweep(String task) {
    return bar(task, 0, "passes");
  }

  /** A bar for {@code steps} optimizer steps that also shows the latest loss and throughput. */
  Bar training(String task, int steps) {
    return bar(task, steps, "steps");
  }

  /**
   * One bar: a pruning-sweep listener and a training-step listener as well, so the same bar serves
   * every long step. As a sweep listener it counts block evaluations and LM-head states together.
   * Off a terminal it prints a line at every tenth and one when the work is done. Closing it ends
   * the line; updates after that are ignored.
   */
  static final class Bar implements PruningSweep.ProgressListener, StepListener, AutoCloseable {
    private final Progress owner;
    private final String task;
    private final String unit;
    private final long created = System.nanoTime();
    private ProgressBar bar;
    private Lines lines;
    private long lastTenth;
    private Bar successor;
    private long blocksDone;
    private long blocksTotal;
    private long statesDone;
    private long statesTotal;
    private double stateWeight = 1;
    private long weighed;
    private boolean closed;

    private Bar(Progress owner, String task, String unit) {
      this.owner = owner;
      this.task = task;
      this.unit = unit;
    }

    private void start(long total) {
      if (owner == null || closed) {
        return;
      }
      ProgressBarConsumer consumer;
      if (owner.interactive) {
        consumer = new InPlace(owner.err);
      } else {
        lines = new Lines(owner.err);
        consumer = lines;
      }
      bar =
          new ProgressBarBuilder()
              .setTaskName(task)
              .setInitialMax(total)
              .setUnit(" " + unit, 1)
              .setStyle(ProgressBarStyle.ASCII)
              // Off a terminal the bar is drawn at every tenth (stepTo), not on a timer.
              .setUpdateIntervalMillis(owner.interactive ? 200 : Integer.MAX_VALUE)
              .startsFrom(0, Duration.ofNanos(System.nanoTime() - created))
              .setConsumer(consumer)
              .build();
    }

    /** Moves to {@code done} units. */
    synchronized void stepTo(long done) {
      if (bar == null || closed) {
        return;
      }
      bar.stepTo(done);
      if (lines != null) {
        long tenth = 10 * done / bar.getMax();
        if (tenth != lastTenth) {
          lastTenth = tenth;
          bar.refresh();
          if (done >= bar.getMax()) {
            lines.finish();
          }
        }
      }
    }

    /** One more unit done. */
    synchronized void step() {
      stepTo(bar == null ? 0 : bar.getCurrent() + 1);
    }

    @Override
    public synchronized void blockEvaluated(long done, long total) {
      blocksDone = done;
      blocksTotal = total;
      sweepTo();
    }

    @Override
    public synchronized void statesScored(long done, long total) {
      statesDone = done;
      statesTotal = total;
      if (bar != null || blocksTotal > 0) {
        sweepTo();
      }
    }

    /**
     * Counts each of the first {@code states} LM-head states as {@code blocks} block evaluations
     * (the head's cost next to a block, {@link dev.depthscope.core.model.HeadCost}), so the bar and
     * its ETA move with the time the work takes, not with its number of steps; later states count
     * one each. An audit scores its text states first, then its multiple-choice states, whose head
     * runs at a few positions only.
     */
    synchronized void weighStates(double blocks, long states) {
      stateWeight = Math.max(0, blocks);
      weighed = Math.max(0, states);
    }

    private long weigh(long states) {
      long first = Math.min(states, weighed);
      return Math.round(stateWeight * first) + (states - first);
    }

    private void sweepTo() {
      long total = blocksTotal + weigh(statesTotal);
      if (total <= 0) {
        return; // nothing to do (e.g. a joint pass that removes every block): no bar
      }
      if (bar == null && owner != null) {
        start(total);
      } else if (bar != null && bar.getMax() != total) {
        bar.maxHint(total);
      }
      stepTo(blocksDone + weigh(statesDone));
    }

    @Override
    public void onStep(int step, double loss, double gradNorm, double lr, double tokensPerSecond) {
      if (bar != null) {
        bar.setExtraMessage(
            String.format(Locale.ROOT, " loss %.4f  %.0f tok/s", loss, tokensPerSecond));
      }
      stepTo(step + 1L);
    }

    /** A bar of its own for the next phase, which starts its clock now; closed with this one. */
    @Override
    public synchronized PruningSweep.ProgressListener next(String nextTask) {
      if (owner == null) {
        return this;
      }
      close();
      successor = owner.sweep(nextTask);
      return successor;
    }

    @Override
    public synchronized void close() {
      if (bar != null && !closed) {
        bar.close();
        bar = null;
      }
      if (successor != null) {
        successor.close();
      }
      closed = true;
    }
  }

  /** Redraws one line in place, as wide as the terminal. */
  private static final class InPlace implements ProgressBarConsumer {
    private final PrintWriter err;
    private final int width;

    InPlace(PrintWriter err) {
      this.err = err;
      this.width =
          new ConsoleProgressBarConsumer(new PrintStream(PrintStream.nullOutputStream()))
              .getMaxRenderedLength();
    }

    @Override
    public int getMaxRenderedLength() {
      return width;
    }

    @Override
    public synchronized void accept(String rendered) {
      err.print('\r' + rendered);
      err.flush();
    }

    @Override
    public void close() {
      err.println();
      err.flush();
    }
  }

  /** Prints every drawing on its own line, for logs, until the work is done. */
  private static final class Lines implements ProgressBarConsumer {
    private final PrintWriter err;
    private String last;
    private boolean finished;

    Lines(PrintWriter err) {
      this.err = err;
    }

    @Override
    public int getMaxRenderedLength() {
      return LOG_WIDTH;
    }

    /** Prints nothing more: the line at 100% is out (closing would repeat it). */
    synchronized void finish() {
      finished = true;
    }

    @Override
    public synchronized void accept(String rendered) {
      if (!finished && !rendered.equals(last)) {
        err.println(rendered);
        err.flush();
        last = rendered;
      }
    }

    @Override
    public void close() {
      err.flush();
    }
  }
}
