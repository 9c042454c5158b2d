package dev.depthscope.core.eval;

import dev.depthscope.core.io.ReadErrors;
import dev.depthscope.core.tokenize.TextTokenizer;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a UTF-8 text into evaluation windows: the text is tokenized (no special tokens), then split
 * into consecutive windows of {@code seqLen} tokens, each starting with the tokenizer's BOS when
 * its post-processor adds one (so a window holds BOS + seqLen-1 text tokens). At most {@code
 * maxTokens} tokens are used in all; a final partial window is dropped. A text shorter than one
 * window is refused (a partial window would be a sequence of another length, audited as if it were
 * a window).
 *
 * <p>A text far longer than the windows need is not read whole: tokenizing a 50 MB file for 2048
 * tokens took 70 s and 11.8 GB. Only a prefix is read, at least {@link #CHARS_PER_TOKEN} characters
 * per token needed, and it is tokenized at two cut points (line ends where there are any); when
 * both give the same first tokens, at least {@link #MARGIN} more than the windows take, those are
 * the whole text's tokens (a tokenizer's pre-tokens and merges reach only a few characters across a
 * cut), else the prefix doubles. The windows are then exactly those of the whole text.
 */
public final class TextWindows {
  private TextWindows() {}

  /**
   * The windows of a text and what they were cut from.
   *
   * @param windows rows of {@code seqLen} tokens
   * @param textTokens tokens of the whole text (without BOS), or of the prefix read when not {@code
   *     wholeText}
   * @param wholeText whether the whole text was read (else a prefix that gave every window)
   */
  public record Cut(long[][] windows, long textTokens, boolean wholeText) {
    /** A cut of a text tokenized whole. */
    public Cut(long[][] windows, long textTokens) {
      this(windows, textTokens, true);
    }
  }

  /** Characters read per token the windows need, at first (English BPE averages about 4). */
  static final int CHARS_PER_TOKEN = 8;

  /** Tokens beyond what the windows take that the two cut points must also agree on. */
  static final int MARGIN = 64;

  /** The most characters read (a Java string's limit, less headroom for the tokenizer's copy). */
  static final int MAX_CHARS = 1 << 30;

  /** The least prefix read, in characters. */
  static final int MIN_PREFIX = 1 << 16;

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
    try {
      return read(file, tokenizer, seqLen, maxTokens);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(file + ": not valid UTF-8 text");
    } catch (IOException e) {
      throw new IllegalArgumentException(ReadErrors.ioMessage(file, e), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static Cut read(Path file, TextTokenizer tokenizer, int seqLen, long maxTokens)
      throws IOException {
    checkSizes(seqLen, maxTokens);
    boolean bos = tokenizer.addsBos() && tokenizer.bosId().isPresent();
    long needed = (maxTokens / seqLen) * (bos ? seqLen - 1 : seqLen);
    StringBuilder text = new StringBuilder();
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try (Reader in = new InputStreamReader(Files.newInputStream(file), decoder)) {
      long want = Math.max(MIN_PREFIX, Math.min(MAX_CHARS, needed * CHARS_PER_TOKEN));
      char[] buf = new char[1 << 16];
      while (true) {
        boolean eof = false;
        while (text.length() < want) {
          int n = in.read(buf);
          if (n < 0) {
            eof = true;
            break;
          }
          text.append(buf, 0, n);
        }
        if (eof) {
          long[] tokens = tokenizer.encode(text.toString(), false);
          return new Cut(windows(tokens, tokenizer, seqLen, maxTokens), tokens.length, true);
        }
        long[] longer = tokenizer.encode(text.substring(0, cutPoint(text, text.length())), false);
        int early = (int) ((long) text.length() * 7 / 8);
        long[] shorter = tokenizer.encode(text.substring(0, cutPoint(text, early)), false);
        long agree = needed + MARGIN;
        if (shorter.length >= agree
            && Arrays.equals(shorter, 0, (int) agree, longer, 0, (int) agree)) {
          return new Cut(windows(shorter, tokenizer, seqLen, maxTokens), longer.length, false);
        }
        if (want >= MAX_CHARS) {
          throw new IllegalArgumentException(
              "the first "
                  + MAX_CHARS
                  + " characters did not give the "
                  + needed
                  + " tokens --max-tokens "
                  + maxTokens
                  + " asks for; pass a smaller --max-tokens");
        }
        want = Math.min(MAX_CHARS, 2 * want);
      }
    }
  }

  /**
   * Where to cut {@code text} at or before {@code at}: after the last line end in the final eighth
   * before it, else after the last whitespace there, else at {@code at} (never inside a surrogate
   * pair).
   */
  static int cutPoint(CharSequence text, int at) {
    int floor = at - at / 8;
    for (int i = at; i > floor; i--) {
      if (text.charAt(i - 1) == '\n') {
        return i;
      }
    }
    for (int i = at; i > floor; i--) {
      if (Character.isWhitespace(text.charAt(i - 1))) {
        return i;
      }
    }
    return at < text.length() && Character.isLowSurrogate(text.charAt(at)) ? at - 1 : at;
  }

  /**
   * Splits already-encoded {@code tokens} into windows.
   *
   * @throws IllegalArgumentException when {@code tokens} do not fill one window, with the count,
   *     the window and the largest {@code --seq-len} that would fit
   */
  public static long[][] windows(
      long[] tokens, TextTokenizer tokenizer, int seqLen, long maxTokens) {
    checkSizes(seqLen, maxTokens);
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

  private static void checkSizes(int seqLen, long maxTokens) {
    if (seqLen < 2) {
      throw new IllegalArgumentException("--seq-len must be at least 2, is " + seqLen);
    }
    if (maxTokens < seqLen) {
      throw new IllegalArgumentException(
          "--max-tokens (" + maxTokens + ") must be at least --seq-len (" + seqLen + ")");
    }
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
