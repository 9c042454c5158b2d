package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress bars as they look in logs (off a terminal), and their silence when disabled. */
class ProgressTest {
  private final StringWriter err = new StringWriter();

  private Progress logs(boolean enabled) {
    return new Progress(new PrintWriter(err), enabled, false);
  }

  @Test
  void aDisabledFactoryDrawsNothing() {
    Progress p = logs(false);
    try (Progress.Bar bar = p.training("train pre", 10)) {
      for (int s = 0; s < 10; s++) {
        bar.onStep(s, 3.0, 1.0, 1e-3, 100);
      }
    }
    try (Progress.Bar bar = p.sweep("audit")) {
      bar.blockEvaluated(1, 3);
      bar.blockEvaluated(3, 3);
    }
    assertEquals("", err.toString());
  }

  @Test
  void offATerminalABarPrintsALinePerTenthWithCountsAndEta() {
    try (Progress.Bar bar = logs(true).bar("load", 1000, "blocks")) {
      for (int i = 0; i < 1000; i++) {
        bar.step();
      }
    }
    String[] lines = err.toString().split("\n");
    assertTrue(lines.length >= 10 && lines.length <= 12, err.toString());
    String last = lines[lines.length - 1];
    assertTrue(last.startsWith("load 100% [") && last.contains("1000/1000 blocks"), last);
    // elapsed / ETA, as (0:00:00 / 0:00:00)
    assertTrue(last.matches(".*\\(\\d+:\\d\\d:\\d\\d / \\d+:\\d\\d:\\d\\d\\).*"), last);
    assertTrue(err.toString().contains(" 50% ["), err.toString());
    assertTrue(!err.toString().contains("\r"), "no in-place redraws in logs");
  }

  @Test
  void aSweepBarTakesItsTotalFromTheFirstUpdate() {
    try (Progress.Bar bar = logs(true).sweep("audit")) {
      for (int i = 1; i <= 20; i++) {
        bar.blockEvaluated(i, 20);
      }
    }
    String out = err.toString();
    assertTrue(out.contains("20/20 passes"), out);
    assertTrue(!out.contains("?/"), "never drawn without a total: " + out);
  }

  @Test
  void aSweepBarCountsLmHeadStatesSoItEndsWithTheLastOne() {
    try (Progress.Bar bar = logs(true).sweep("audit")) {
      bar.statesScored(0, 5);
      for (int i = 1; i <= 20; i++) {
        bar.blockEvaluated(i, 20);
      }
      assertTrue(!err.toString().contains("100%"), "blocks alone are not all: " + err);
      for (int s = 1; s <= 5; s++) {
        bar.statesScored(s, 5);
      }
    }
    String out = err.toString();
    assertTrue(out.contains("audit 100% [") && out.contains("25/25 passes"), out);
  }

  @Test
  void weighedStatesCountAsTheBlocksTheirHeadCosts() {
    try (Progress.Bar bar = logs(true).sweep("audit")) {
      bar.weighStates(4, 5);
      bar.statesScored(0, 5);
      for (int i = 1; i <= 20; i++) {
        bar.blockEvaluated(i, 20);
      }
      // 20 blocks of 20 + 4 x 5: half the work, not 80% of it.
      assertTrue(err.toString().contains("audit  50% ["), err.toString());
      assertTrue(!err.toString().contains(" 60% ["), err.toString());
      for (int s = 1; s <= 5; s++) {
        bar.statesScored(s, 5);
      }
    }
    assertTrue(err.toString().contains("40/40 passes"), err.toString());
  }

  @Test
  void statesBeyondTheWeighedOnesCountOneEach() {
    try (Progress.Bar bar = logs(true).sweep("audit")) {
      bar.weighStates(4, 2);
      bar.statesScored(0, 5);
      bar.blockEvaluated(1, 1);
      for (int s = 1; s <= 5; s++) {
        bar.statesScored(s, 5);
      }
    }
    // One block, 2 text states x 4, 3 question states x 1.
    assertTrue(err.toString().contains("12/12 passes"), err.toString());
  }

  @Test
  void aSweepWithNothingToDoDrawsNoBar() {
    try (Progress.Bar bar = logs(true).sweep("joint cut")) {
      bar.blockEvaluated(0, 0);
    }
    assertEquals("", err.toString());
  }

  @Test
  void updatesAfterCloseDrawNothing() {
    Progress.Bar bar = logs(true).sweep("audit");
    bar.blockEvaluated(10, 10);
    bar.close();
    String before = err.toString();
    bar.blockEvaluated(20, 40);
    bar.statesScored(5, 5);
    assertEquals(before, err.toString());
  }

  @Test
  void aTrainingBarShowsTheLatestLossAndThroughput() {
    try (Progress.Bar bar = logs(true).training("train lns", 4)) {
      for (int s = 0; s < 4; s++) {
        bar.onStep(s, 5.0 - s, 1.0, 1e-3, 1234);
      }
    }
    String out = err.toString();
    assertTrue(out.contains("train lns 100%") && out.contains("4/4 steps"), out);
    assertTrue(out.contains("loss 2.0000  1234 tok/s"), out);
  }
}
