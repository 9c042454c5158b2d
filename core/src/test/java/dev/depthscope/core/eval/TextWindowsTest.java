package dev.depthscope.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import dev.depthscope.core.tokenize.TextTokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Cutting text into windows: full windows only, and a text shorter than one window is refused. */
class TextWindowsTest {
  private static TextTokenizer tokenizer() {
    return TextTokenizer.load(TestData.fixture("data/brown-bpe-4096"));
  }

  private static long[] tokens(int n) {
    return LongStream.range(10, 10 + n).toArray();
  }

  @Test
  void aTextShorterThanOneWindowIsRefusedWithTheSeqLenThatWouldFit() {
    try (TextTokenizer tok = tokenizer()) {
      int extra = tok.addsBos() && tok.bosId().isPresent() ? 1 : 0;
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> TextWindows.windows(tokens(94), tok, 512, 4096));
      String m = e.getMessage();
      assertTrue(m.startsWith("94 tokens, fewer than one window of --seq-len 512"), m);
      assertTrue(m.contains("pass --seq-len " + (94 + extra) + " or less"), m);
      assertTrue(m.contains((47 + extra) + " or less for 2 sequences"), m);
      // The suggested --seq-len does fit: one window, then two.
      assertEquals(1, TextWindows.windows(tokens(94), tok, 94 + extra, 4096).length);
      assertEquals(2, TextWindows.windows(tokens(94), tok, 47 + extra, 4096).length);
    }
  }

  @Test
  void aFinalPartialWindowIsDropped() {
    try (TextTokenizer tok = tokenizer()) {
      int extra = tok.addsBos() && tok.bosId().isPresent() ? 1 : 0;
      int body = 16 - extra;
      long[][] w = TextWindows.windows(tokens(2 * body + body / 2), tok, 16, 4096);
      assertEquals(2, w.length);
      for (long[] row : w) {
        assertEquals(16, row.length);
      }
    }
  }

  @Test
  void theFileNameLeadsTheRefusalAndTheCutKeepsTheTokenCount(@TempDir Path tmp) throws Exception {
    Path text = Files.writeString(tmp.resolve("short.txt"), "The jury said it did find.");
    try (TextTokenizer tok = tokenizer()) {
      int n = tok.encode("The jury said it did find.", false).length;
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> TextWindows.cut(text, tok, 512, 32768));
      assertTrue(
          e.getMessage().startsWith(text + ": " + n + " tokens, fewer than"), e.getMessage());
      TextWindows.Cut cut = TextWindows.cut(text, tok, 4, 32768);
      assertEquals(n, cut.textTokens());
      assertTrue(cut.windows().length >= 1, "windows of 4 tokens fit");
    }
  }
}
