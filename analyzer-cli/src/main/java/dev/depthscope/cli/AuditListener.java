package dev.depthscope.cli;

import dev.depthscope.core.analysis.PruningSweep;
import java.util.function.Consumer;

/**
 * What an audit reports while it runs: its passes (block evaluations and LM-head states) go to the
 * sweep bar; a phase after the sweeps (the bootstrap intervals) ends the bar, which is at 100% by
 * then, and prints a status line, so nothing runs unannounced behind a finished bar.
 */
final class AuditListener implements PruningSweep.ProgressListener {
  private final Progress.Bar bar;
  private final Consumer<String> status;

  /**
   * @param bar the sweep bar
   * @param status prints one status line (e.g. {@link OutputOptions#status})
   */
  AuditListener(Progress.Bar bar, Consumer<String> status) {
    this.bar = bar;
    this.status = status;
  }

  @Override
  public void blockEvaluated(long done, long total) {
    bar.blockEvaluated(done, total);
  }

  @Override
  public void statesScored(long done, long total) {
    bar.statesScored(done, total);
  }

  /** The joint removals after the sweep get a bar of their own. */
  @Override
  public PruningSweep.ProgressListener next(String task) {
    return bar.next(task);
  }

  @Override
  public void phase(String description) {
    bar.close();
    status.accept(description + " ...");
  }
}
