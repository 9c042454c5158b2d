package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.TestData;
import dev.depthscope.core.eval.McFormat;
import dev.depthscope.core.eval.McItems;
import dev.depthscope.core.eval.McQuestion;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.tokenize.TextTokenizer;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Packing a question's choices into one row (shared context, a branch per choice) scores every
 * choice as its own unpacked row does, for every family (sliding windows, MLA, MoE included), in
 * the baseline and with each block removed; and the packing shares what it can: one row per
 * question, identical choices on one branch, one-token choices on the context alone.
 */
class McPackingTest {
  /** Contexts longer than Mistral's 16-token window, multi-token and repeated choices. */
  static final List<McQuestion> QUESTIONS =
      List.of(
          new McQuestion(
              "The committee met on the third day of the session to hear the report of the"
                  + " treasurer, who said that the",
              List.of("funds were gone", "weather was fine", "funds were gone", "and"),
              2),
          new McQuestion("The cat sat on the", List.of("mat", "government of the state"), 0),
          new McQuestion(
              "He said that the man who had come to the door was not",
              List.of("his brother", "a", "the same man he had seen before"),
              1));

  static Stream<String> models() {
    return Stream.concat(TestData.denseModels(), TestData.moeModels());
  }

  @ParameterizedTest
  @MethodSource("models")
  void packedRowsScoreEachChoiceAsItsOwnRowDoesWithAndWithoutEachBlock(String model) {
    Path dir = TestData.model(model);
    try (CausalLm lm = CausalLm.open(dir);
        TextTokenizer tok = TextTokenizer.load(dir)) {
      McItems items = McItems.of(QUESTIONS, tok);
      McBatches batches = new McBatches(items, 2);
      PruningSweep.Result r =
          PruningSweep.runBatches(
              lm, batches.batches(), null, PruningSweep.Settings.inMemory(), 0, 1);
      int nb = batches.batches().size();
      double[] base = batches.scores(batches.rowScores(0, nb, b -> r.baseline()[b])).loglik()[0];
      assertEquals(QUESTIONS.get(0).choices().size(), base.length);
      int layers = lm.config().numLayers();
      for (int l = -1; l < layers; l++) {
        int removed = l;
        double[][] packed =
            batches
                .scores(
                    batches.rowScores(
                        0, nb, b -> removed < 0 ? r.baseline()[b] : r.pruned()[b][removed]))
                .loglik();
        for (int i = 0; i < items.rows().length; i++) {
          double alone = unpacked(lm, items, i, removed);
          double got = packed[items.question()[i]][items.choice()[i]];
          String what = model + " item " + i + (removed < 0 ? "" : " without block " + removed);
          assertEquals(alone, got, 2e-5 * Math.max(1, Math.abs(alone)), what);
        }
      }
    }
  }

  /** Item i's log-likelihood from its own causal row, with block {@code removed} skipped. */
  static double unpacked(CausalLm lm, McItems items, int i, int removed) {
    long[][] ids = {items.rows()[i]};
    try (NDManager m = lm.manager().newSubManager();
        AttentionInputs att = lm.attentionInputs(m, ids[0].length)) {
      NDArray h = lm.embed(m, ids);
      for (int l = 0; l < lm.config().numLayers(); l++) {
        if (l != removed) {
          h = lm.block(l, h, att);
        }
      }
      return items.score(i, lm.tokenNll(h, ids));
    }
  }

  @Test
  void aQuestionIsOneRowWithRepeatedChoicesOnOneBranch() {
    Path dir = TestData.model("llama-tiny-bf16");
    try (TextTokenizer tok = TextTokenizer.load(dir)) {
      McItems items = McItems.of(QUESTIONS, tok);
      List<McPacking.Row> rows = McPacking.of(items);
      assertEquals(QUESTIONS.size(), rows.size(), "one row per question");
      McPacking.Row first = rows.get(0);
      assertEquals(first.entry()[0], first.entry()[2], "choices 0 and 2 are the same text");
      int cs = items.continuationStart()[0];
      int branchTokens = 0;
      for (int c : new int[] {0, 1, 3}) {
        branchTokens += items.tokens(c) - 1;
      }
      assertEquals(cs + branchTokens, first.length(), "the context once, then three branches");
      assertEquals(
          rows.stream().mapToInt(McPacking.Row::length).max().orElseThrow(),
          McPacking.longestRow(items),
          "the memory check's row length");
      for (int p = 0; p < first.length(); p++) {
        assertTrue(first.positions()[p] < items.rows()[0].length + 8, "positions stay short");
      }
    }
  }

  @Test
  void letterChoicesAreScoredAtTheContextsLastPosition() {
    Path dir = TestData.model("llama-tiny-bf16");
    try (TextTokenizer tok = TextTokenizer.load(dir)) {
      List<McQuestion> qs =
          List.of(new McQuestion("Which is a colour?", List.of("red", "dog", "run", "sky"), 0));
      McItems items =
          McItems.of(qs, new McFormat(McFormat.Style.MMLU, null, 0, List.of()), tok, 512);
      for (int i = 0; i < items.rows().length; i++) {
        assertEquals(1, items.tokens(i), "each letter is one token");
      }
      McPacking.Row row = McPacking.of(items).get(0);
      int cs = items.continuationStart()[0];
      assertEquals(cs, row.length(), "the row is the context alone");
      for (int e = 0; e < row.at().length; e++) {
        assertEquals(cs - 1, row.at()[e]);
        assertEquals(items.rows()[e][cs], row.target()[e], "letter " + e);
      }
    }
  }

  @Test
  void choicesTruncatedDifferentlyGetRowsOfTheirOwn() {
    Path dir = TestData.model("llama-tiny-bf16");
    try (TextTokenizer tok = TextTokenizer.load(dir)) {
      // A short model length cuts each row from the left by its continuation's length.
      McItems items = McItems.of(QUESTIONS.subList(2, 3), McFormat.plain(), tok, 8);
      assertEquals(1, items.truncatedQuestions());
      List<McPacking.Row> rows = McPacking.of(items);
      assertEquals(3, rows.size(), "three continuation lengths, three different cuts");
    }
  }
}
