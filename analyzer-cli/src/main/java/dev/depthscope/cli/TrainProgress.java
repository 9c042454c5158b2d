package dev.depthscope.cli;

import dev.depthscope.trainer.train.StepListener;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * A terminal progress bar for one training run on stderr: steps done, ETA, and the latest loss and
 * tokens per second.
 */
final class TrainProgress implements StepListener, AutoCloseable {
  private final ProgressBar bar;

  TrainProgress(String task, int steps, PrintStream err) {
    this.bar =
        new ProgressBarBuilder()
            .setTaskName(task)
            .setInitialMax(steps)
            .setStyle(ProgressBarStyle.ASCII)
            .setUpdateIntervalMillis(500)
            .setConsumer(new ConsoleProgressBarConsumer(err))
            .build();
  }

  @Override
  public void onStep(int step, double loss, double gradNorm, double lr, double tokensPerSecond) {
    bar.stepTo(step + 1L);
    bar.setExtraMessage(
        String.format(Locale.ROOT, " loss %.4f  %.0f tok/s", loss, tokensPerSecond));
  }

  @Override
  public void close() {
    bar.close();
  }
}
