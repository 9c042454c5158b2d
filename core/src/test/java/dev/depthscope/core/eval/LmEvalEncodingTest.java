package dev.depthscope.core.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.tokenize.TextTokenizer;
import org.junit.jupiter.api.Test;

/**
 * lm-evaluation-harness's {@code _encode_pair} on the Brown tokenizer (which adds BOS): trailing
 * spaces of the context move to the continuation, the continuation is the tail of the joint
 * encoding, an empty context is BOS, and rows keep their last {@code max_length + 1} tokens.
 */
class LmEvalEncodingTest {
  @Test
  void trailingSpacesOfTheContextMoveToTheContinuation() {
    try (TextTokenizer tok = TextTokenizer.load(TestData.model("llama-tiny-bf16"))) {
      LmEvalEncoding enc = new LmEvalEncoding(tok);
      LmEvalEncoding.Pair moved = enc.encodePair("The cat ", " sat");
      LmEvalEncoding.Pair plain = enc.encodePair("The cat", "  sat");
      assertArrayEquals(plain.context(), moved.context());
      assertArrayEquals(plain.continuation(), moved.continuation());
      assertArrayEquals(tok.encode("The cat", true), moved.context());
      long[] whole = tok.encode("The cat  sat", true);
      assertEquals(whole.length, moved.context().length + moved.continuation().length);
      assertEquals(whole[whole.length - 1], moved.continuation()[moved.continuation().length - 1]);
    }
  }

  @Test
  void anEmptyContextIsTheBosToken() {
    try (TextTokenizer tok = TextTokenizer.load(TestData.model("llama-tiny-bf16"))) {
      LmEvalEncoding.Pair p = new LmEvalEncoding(tok).encodePair("", " sat");
      assertArrayEquals(new long[] {tok.bosId().getAsLong()}, p.context());
      assertArrayEquals(tok.encode(" sat", false), p.continuation());
    }
  }

  @Test
  void textStartingWithTheBosTextGetsNoSecondBos() {
    try (TextTokenizer tok = TextTokenizer.load(TestData.model("llama-tiny-bf16"))) {
      String bos = tok.decode(new long[] {tok.bosId().getAsLong()}, false);
      long[] ids = new LmEvalEncoding(tok).encode(bos + "The cat");
      assertEquals(tok.bosId().getAsLong(), ids[0]);
      assertTrue(ids.length < 2 || ids[1] != ids[0]);
    }
  }

  @Test
  void rowsKeepTheLastMaxLengthPlusOneTokens() {
    LmEvalEncoding.Pair p = new LmEvalEncoding.Pair(new long[] {1, 2, 3, 4, 5}, new long[] {6, 7});
    assertArrayEquals(new long[] {4, 5, 6, 7}, p.row(3));
    assertTrue(p.truncated(3));
    assertArrayEquals(new long[] {1, 2, 3, 4, 5, 6, 7}, p.row(6));
    assertFalse(p.truncated(6));
  }
}
