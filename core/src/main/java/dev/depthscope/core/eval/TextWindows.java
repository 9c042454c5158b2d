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
 * {@code maxTokens} tokens are used in all; a final partial window is dropped unless it is the only
 * one.
 */
public final class TextWindows {
  private TextWindows() {}

  /** Reads {@code file} (strict UTF-8) and cuts it into windows. */
  public static long[][] fromFile(Path file, TextTokenizer tokenizer, int seqLen, long maxTokens) {
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
    long[][] w = windows(tokenizer.encode(text, false), tokenizer, seqLen, maxTokens);
    if (w.length == 0) {
      throw new IllegalArgumentException(
          file + ": too little text (needs at least 2 tokens per window)");
    }
    return w;
  }

  /** Splits already-encoded {@code tokens} into windows. */
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
    if (out.isEmpty() && tokens.length >= (bos ? 1 : 2)) {
      out.add(window(tokens, 0, tokens.length, bos, tokenizer));
    }
    return out.toArray(long[][]::new);
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
