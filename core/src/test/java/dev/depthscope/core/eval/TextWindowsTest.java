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

  @Test
  void aLongTextIsCutFromAPrefixIntoTheWholeTextsWindows(@TempDir Path tmp) throws Exception {
    String brown = Files.readString(TestData.root().resolve("data/brown-eval.txt"));
    Path text = Files.writeString(tmp.resolve("long.txt"), brown);
    try (TextTokenizer tok = tokenizer()) {
      long[] whole = tok.encode(brown, false);
      // 600 kB of text, 4 windows of 64 tokens: a 64 kB prefix is enough.
      TextWindows.Cut cut = TextWindows.cut(text, tok, 64, 256);
      assertTrue(!cut.wholeText(), "read a prefix only");
      assertTrue(cut.textTokens() < whole.length, cut.textTokens() + " of " + whole.length);
      long[][] expected = TextWindows.windows(whole, tok, 64, 256);
      assertEquals(expected.length, cut.windows().length);
      for (int w = 0; w < expected.length; w++) {
        assertTrue(java.util.Arrays.equals(expected[w], cut.windows()[w]), "window " + w);
      }
      // Windows that need more than the text reads it whole, as before.
      TextWindows.Cut all = TextWindows.cut(text, tok, 64, Long.MAX_VALUE / 64);
      assertTrue(all.wholeText());
      assertEquals(whole.length, all.textTokens());
    }
  }

  @Test
  void cutsFallAfterALineEndOrASpaceAndNeverSplitASurrogatePair() {
    // The cut looks back over the final eighth: 10 characters of these 80.
    String x = "x".repeat(70);
    assertEquals(76, TextWindows.cutPoint(x + "a b c\nfghij", 80), "after the line end");
    assertEquals(76, TextWindows.cutPoint(x + "abc d efghi", 80), "after the last space");
    assertEquals(80, TextWindows.cutPoint(x + "abcdefghijkl", 80), "nothing to cut at");
    String pair = "x".repeat(79) + "\uD83D\uDE00";
    assertEquals(79, TextWindows.cutPoint(pair, 80), "before the pair, not inside it");
  }

  @Test
  void invalidUtf8InThePrefixIsRefusedWithTheFileName(@TempDir Path tmp) throws Exception {
    byte[] bytes = "The jury said it did find.".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    bytes[3] = (byte) 0xff;
    Path text = Files.write(tmp.resolve("bad.txt"), bytes);
    try (TextTokenizer tok = tokenizer()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> TextWindows.cut(text, tok, 4, 64));
      assertEquals(text + ": not valid UTF-8 text", e.getMessage());
    }
  }
}
