package dev.depthscope.trainer.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.tokenize.TextTokenizer;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The synthetic language is deterministic, well-formed, and its tokenizer loads in DJL. */
class SyntheticLanguageTest {
  private final SyntheticLanguage lang = new SyntheticLanguage();

  @Test
  void sameSeedSameTextOtherSeedOtherText() {
    assertEquals(lang.sentences(7, 200), lang.sentences(7, 200));
    assertNotEquals(lang.sentences(7, 200), lang.sentences(8, 200));
  }

  @Test
  void arithmeticIsCorrect() {
    SplittableRandom rng = new SplittableRandom(1);
    for (int i = 0; i < 500; i++) {
      String s = SyntheticLanguage.arithmetic(rng).replace(" .", "");
      String[] sides = s.split(" = ");
      String[] tokens = sides[0].split(" ");
      long value = 0;
      int sign = 1;
      StringBuilder number = new StringBuilder();
      for (String t : tokens) {
        if (t.equals("+") || t.equals("-")) {
          value += sign * Long.parseLong(number.toString());
          number.setLength(0);
          sign = t.equals("+") ? 1 : -1;
        } else {
          number.append(t);
        }
      }
      value += sign * Long.parseLong(number.toString());
      assertEquals(value, Long.parseLong(sides[1].replace(" ", "")), s);
      assertTrue(value >= 0, s);
    }
  }

  @Test
  void bracketsAreBalanced() {
    SplittableRandom rng = new SplittableRandom(2);
    for (int i = 0; i < 500; i++) {
      String s = SyntheticLanguage.brackets(rng);
      Deque<Character> stack = new ArrayDeque<>();
      for (String t : s.replace(" .", "").split(" ")) {
        char c = t.charAt(0);
        switch (c) {
          case '(', '[', '{' -> stack.push(c);
          default -> {
            char open = stack.pop();
            assertEquals("([{".indexOf(open), ")]}".indexOf(c), s);
          }
        }
      }
      assertTrue(stack.isEmpty(), s);
    }
  }

  @Test
  void recallAnswersTheQueriedKey() {
    SplittableRandom rng = new SplittableRandom(3);
    for (int i = 0; i < 300; i++) {
      String[] parts = SyntheticLanguage.recall(rng).replace(" .", "").split(" ; ");
      String[] pairs = parts[0].split(" ");
      String[] query = parts[1].split(" \\? ");
      for (int k = 0; k < pairs.length; k += 2) {
        if (pairs[k].equals(query[0])) {
          assertEquals(pairs[k + 1], query[1]);
        }
      }
    }
  }

  @Test
  void djlTokenizerEncodesLikeTheVocabulary(@TempDir Path dir) throws Exception {
    WordTokenizerFiles.write(dir, lang);
    List<String> text = lang.sentences(11, 100);
    try (TextTokenizer tok = TextTokenizer.load(dir)) {
      for (String s : text) {
        int[] want = lang.encode(s);
        long[] got = tok.encode(s, true);
        assertEquals(want.length, got.length, s);
        for (int i = 0; i < want.length; i++) {
          assertEquals(want[i], got[i], s);
        }
      }
      assertEquals(lang.vocab().size(), tok.vocabSize());
      assertEquals(lang.eosId(), tok.eosId().orElseThrow());
    }
  }

  @Test
  void streamPutsEosAfterEverySentence() {
    List<String> s = List.of("1 + 2 = 3 .", "( ) .");
    int[] stream = lang.stream(s);
    int eos = lang.eosId();
    int[] expected = new int[stream.length];
    int at = 0;
    for (String x : s) {
      for (int id : lang.encode(x)) {
        expected[at++] = id;
      }
      expected[at++] = eos;
    }
    assertArrayEquals(expected, stream);
  }
}
