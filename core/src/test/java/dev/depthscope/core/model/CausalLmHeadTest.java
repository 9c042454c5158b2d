package dev.depthscope.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.TestData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The LM head gives the same NLL and last-position logits however the vocabulary is sliced and the
 * positions are chunked: the float64 log-sum-exp merge across slices and the chunk bookkeeping
 * (which positions, which targets, which rows are last) are exact. Real models take these paths
 * (large vocabularies, stacked sweep states); the tiny fixtures only do when the sizes are forced.
 */
class CausalLmHeadTest {
  private static final long[][] IDS = {
    {0, 5, 9, 200, 17, 3, 11}, {0, 7, 7, 3, 1000, 42, 8}, {1, 2, 3, 4, 5, 6, 7}
  };

  @ParameterizedTest
  @ValueSource(strings = {"llama-tiny-bf16", "qwen3-realvocab-bf16", "qwen2-tiny-tied"})
  void slicingTheVocabularyAndChunkingPositionsChangesNothing(String name) {
    try (CausalLm lm = CausalLm.open(TestData.model(name), n -> {});
        NDManager m = lm.manager().newSubManager();
        AttentionInputs att = lm.attentionInputs(m, IDS[0].length)) {
      NDArray h = lm.blocks(0, lm.config().numLayers(), lm.embed(m, IDS), att);
      int v = lm.config().vocabSize();
      CausalLm.HeadOutput whole = lm.head(h, IDS, true, v, Long.MAX_VALUE);
      // Uneven slices (the last one shorter) and chunks of 4 positions: 21 positions -> 6 chunks.
      int slice = v / 3 + 1;
      CausalLm.HeadOutput parts = lm.head(h, IDS, true, slice, 4L * slice * 4);
      assertEquals(IDS.length * (IDS[0].length - 1), whole.tokenNll().length);
      for (int i = 0; i < whole.tokenNll().length; i++) {
        assertEquals(whole.tokenNll()[i], parts.tokenNll()[i], 1e-5, name + " token " + i);
      }
      assertEquals(IDS.length * v, parts.logitsLast().length);
      for (int i = 0; i < whole.logitsLast().length; i++) {
        assertEquals(whole.logitsLast()[i], parts.logitsLast()[i], 1e-5, name + " logit " + i);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-tiny-bf16", "qwen3-realvocab-bf16"})
  void scoringChosenPositionsGivesTheNextTokenNllThere(String name) {
    try (CausalLm lm = CausalLm.open(TestData.model(name), n -> {});
        NDManager m = lm.manager().newSubManager();
        AttentionInputs att = lm.attentionInputs(m, IDS[0].length)) {
      NDArray h = lm.blocks(0, lm.config().numLayers(), lm.embed(m, IDS), att);
      int t = IDS[0].length;
      float[] all = lm.tokenNll(h, IDS);
      // Out of order, one position twice, and the last position of row 0 with any target.
      long[] index = {t + 2, 3, 0, 3, 2L * t + 5};
      long[] target = {IDS[1][3], IDS[0][4], IDS[0][1], IDS[0][4], IDS[2][6]};
      int slice = lm.config().vocabSize() / 3 + 1;
      for (float[] got :
          new float[][] {
            lm.nllAt(h, index, target), lm.nllAt(h, index, target, slice, 8L * slice)
          }) {
        for (int k = 0; k < index.length; k++) {
          int row = (int) (index[k] / t);
          int pos = (int) (index[k] % t);
          assertEquals(all[row * (t - 1) + pos], got[k], 1e-5, name + " entry " + k);
        }
      }
    }
  }
}
