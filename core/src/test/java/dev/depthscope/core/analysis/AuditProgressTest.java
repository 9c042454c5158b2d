package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.eval.McItems;
import dev.depthscope.core.eval.McQuestion;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.tokenize.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an audit tells its listener: block evaluations and LM-head states up to their planned totals
 * over the NLL and MC sweeps, the last head call last (so a bar is at 100% only when the sweeps are
 * done), then the bootstrap phase.
 */
class AuditProgressTest {
  private static final long[][] ROWS = {
    {0, 17, 250, 3, 99, 1024, 7, 7, 300, 12},
    {0, 5, 6, 7, 8, 9, 10, 11, 12, 13},
    {0, 40, 41, 42, 43, 44, 45, 46, 47, 48}
  };

  /** Records every call as text, in order. */
  private static final class Recorder implements PruningSweep.ProgressListener {
    final List<String> events = new ArrayList<>();
    long blocks;
    long blocksTotal;
    long states;
    long statesTotal;

    @Override
    public void blockEvaluated(long done, long total) {
      assertTrue(done > blocks, "block count grows: " + done + " after " + blocks);
      blocks = done;
      blocksTotal = total;
      events.add("block");
    }

    @Override
    public void statesScored(long done, long total) {
      assertTrue(done >= states, "state count never falls: " + done + " after " + states);
      states = done;
      statesTotal = total;
      events.add("states");
    }

    @Override
    public void phase(String description) {
      events.add("phase " + description);
    }

    /** The joint removals after the sweep count on their own listener. */
    @Override
    public PruningSweep.ProgressListener next(String task) {
      events.add("next " + task);
      return new Recorder();
    }
  }

  @Test
  void passesReachTheirPlannedTotalsWithTheLastHeadCallLastThenTheBootstrap() {
    Path dir = TestData.model("llama-tiny-bf16");
    List<McQuestion> questions =
        List.of(
            new McQuestion("The cat sat on the", List.of("mat", "government"), 0),
            new McQuestion("He said that the", List.of("man was here", "the the"), 1),
            new McQuestion("In the year", List.of("1961", "and"), 0));
    try (CausalLm lm = CausalLm.open(dir);
        TextTokenizer tok = TextTokenizer.load(dir)) {
      LayerAudit.Inputs in = new LayerAudit.Inputs("t", ROWS, McItems.of(questions, tok));
      Recorder rec = new Recorder();
      LayerAudit.Options opt =
          new LayerAudit.Options(0.01, 2, PruningSweep.Settings.inMemory().withProgress(rec));
      AuditResult r = LayerAudit.run(lm, dir, in, opt);

      int layers = lm.config().numLayers();
      // 2 NLL batches (2 + 1 rows), and the MC rows (one packed row per question): short rows
      // are batched by tokens, up to 2 x 512 of them, so all of these go in one batch.
      int longest = java.util.Arrays.stream(in.mc().rows()).mapToInt(x -> x.length).max().orElse(0);
      assertTrue(in.mc().rows().length * longest <= 2 * McBatches.TOKENS_PER_BATCH_ROW);
      long batches = 2 + 1;
      assertEquals(
          batches * PruningSweep.cost(layers), LayerAudit.plannedBlockEvaluations(lm, in, opt));
      assertEquals(batches * (layers + 1), LayerAudit.plannedStatesScored(lm, in, opt));
      assertEquals(LayerAudit.plannedBlockEvaluations(lm, in, opt), rec.blocks);
      assertEquals(rec.blocks, rec.blocksTotal);
      assertEquals(r.sweep().blockEvaluations(), rec.blocks);
      assertEquals(LayerAudit.plannedStatesScored(lm, in, opt), rec.states);
      assertEquals(rec.states, rec.statesTotal);
      assertEquals("states", rec.events.get(0), "the head's total is known before any block");
      int lastBlock = rec.events.lastIndexOf("block");
      int lastStates = rec.events.lastIndexOf("states");
      assertTrue(lastStates > lastBlock, "the last head call comes after the last block");
      // Then the bootstrap (the mechanism measurements ride along in the sweep).
      String last = rec.events.get(lastStates + 1);
      // After the bootstrap only the joint passes' own listeners: the cut's, and the questions'
      // when the cut spans several blocks (single blocks come from the sweep).
      RemovedSet cut = r.summary().cut();
      List<String> joint =
          cut != null && cut.blocks().size() > 1
              ? List.of("next joint cut", "next joint MC")
              : List.of("next joint cut");
      assertEquals(joint, rec.events.subList(lastStates + 2, rec.events.size()));
      assertEquals(
          "phase bootstrap intervals ("
              + Bootstrap.RESAMPLES
              + " resamples over 3 sequences and 3"
              + " questions)",
          last);
      assertTrue(r.timings().containsKey("bootstrap_seconds"), r.timings().toString());
    }
  }

  @Test
  void aBatchLargerThanTheDataPlansOneBatchPerSourceWithoutOverflow() {
    List<McQuestion> questions =
        List.of(new McQuestion("The cat sat on the", List.of("mat", "government"), 0));
    Path dir = TestData.model("llama-tiny-bf16");
    try (CausalLm lm = CausalLm.open(dir);
        TextTokenizer tok = TextTokenizer.load(dir)) {
      LayerAudit.Inputs in = new LayerAudit.Inputs("t", ROWS, McItems.of(questions, tok));
      LayerAudit.Options opt = LayerAudit.Options.of(0.01, Integer.MAX_VALUE);
      int layers = lm.config().numLayers();
      assertEquals(2 * PruningSweep.cost(layers), LayerAudit.plannedBlockEvaluations(lm, in, opt));
      assertEquals(2 * (layers + 1L), LayerAudit.plannedStatesScored(lm, in, opt));
    }
  }
}
