package dev.depthscope.core.eval;

import dev.depthscope.core.io.ReadErrors;
import dev.depthscope.core.tokenize.TextTokenizer;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a UTF-8 text into evaluation windows: the whole text is tokenized once (no special tokens),
 * then split into consecutive windows of {@code seqLen} tokens, each starting with the tokenizer's
 * BOS when its post-processor adds one (so a window holds BOS + seqLen-1 text tokens). At most
 * {@code maxTokens} tokens are used in all; a final partial window is dropped. A text shorter than
 * one window is refused (a partial window would be a sequence of another length, audited as if it
 * were a window).
 */
public final class TextWindows {
  private TextWindows() {}

  /**
   * The windows of a text and what they were cut from.
   *
   * @param windows rows of {@code seqLen} tokens
   * @param textTokens tokens of the whole text (without BOS)
   */
  public record Cut(long[][] windows, long textTokens) {}

  /** Reads {@code file} (strict UTF-8) and cuts it into windows. */
  public static long[][] fromFile(Path file, TextTokenizer tokenizer, int seqLen, long maxTokens) {
    return cut(file, tokenizer, seqLen, maxTokens).windows();
  }

  /**
   * Reads {@code file} (strict UTF-8) and cuts it into windows, keeping the text's token count.
   *
   * @throws IllegalArgumentException naming the file when it is not UTF-8 or shorter than a window
   */
  public static Cut cut(Path file, TextTokenizer tokenizer, int seqLen, long maxTokens) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
              .toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(file + ": not valid UTF-8 text");
    } catch (IOException e) {
      throw new IllegalArgumentException(ReadErrors.ioMessage(file, e), e);
    }
    long[] tokens = tokenizer.encode(text, false);
    try {
      return new Cut(windows(tokens, tokenizer, seqLen, maxTokens), tokens.length);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Splits already-encoded {@code tokens} into windows.
   *
   * @throws IllegalArgumentException when {@code tokens} do not fill one window, with the count,
   *     the window and the largest {@code --seq-len} that would fit
   */
  public static long[][] windows(
      long[] tokens, TextTokenizer tokenizer, int seqLen, long maxTokens) {
    if (seqLen < 2) {
      throw new IllegalArgumentException("--seq-len must be at least 2, is " + seqLen);
    }
    if (maxTokens < seqLen) {
      throw new IllegalArgumentException(
          "--max-tokens (" + maxTokens + ") must be at least --seq-len (" + seqLen + ")");
    }
    boolean bos = tokenizer.addsBos() && tokenizer.bosId().isPresent();
    int body = bos ? seqLen - 1 : seqLen;
    long maxWindows = maxTokens / seqLen;
    List<long[]> out = new ArrayList<>();
    for (int start = 0; start + body <= tokens.length && out.size() < maxWindows; start += body) {
      out.add(window(tokens, start, body, bos, tokenizer));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(tooShort(tokens.length, seqLen, bos));
    }
    return out.toArray(long[][]::new);
  }

  private static String tooShort(int tokens, int seqLen, boolean bos) {
    String window = bos ? "BOS + " + (seqLen - 1) + " text tokens" : seqLen + " text tokens";
    int extra = bos ? 1 : 0;
    int one = tokens + extra;
    int two = tokens / 2 + extra;
    String hint =
        one < 2
            ? "give a longer text"
            : "pass --seq-len "
                + one
                + " or less"
                + (two >= 2
                    ? " ("
                        + two
                        + " or less for 2 sequences, the fewest a bootstrap"
                        + " interval needs)"
                    : "")
                + ", or a longer text";
    return tokens
        + " tokens, fewer than one window of --seq-len "
        + seqLen
        + " ("
        + window
        + "); "
        + hint;
  }

  private static long[] window(
      long[] tokens, int start, int body, boolean bos, TextTokenizer tokenizer) {
    long[] w = new long[body + (bos ? 1 : 0)];
    int at = 0;
    if (bos) {
      w[at++] = tokenizer.bosId().getAsLong();
    }
    System.arraycopy(tokens, start, w, at, body);
    return w;
  }
}
