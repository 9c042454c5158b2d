package dev.depthscope.core.eval;

import dev.depthscope.core.tokenize.TextTokenizer;
import java.util.Arrays;
import java.util.OptionalLong;

/**
 * How lm-evaluation-harness 0.4.13's Hugging Face backend turns a (context, continuation) pair of a
 * {@code multiple_choice} request into tokens, reproduced so that depthscope's log-likelihoods are
 * the ones a user gets from {@code lm_eval --model hf}:
 *
 * <ul>
 *   <li>Trailing whitespace of the context moves to the front of the continuation.
 *   <li>Context and continuation are encoded together; the continuation's tokens are the tail of
 *       that encoding beyond the length of the context's own encoding ({@code _encode_pair}).
 *   <li>Encoding adds what the tokenizer adds by default ({@code add_bos_token} left unset, as
 *       lm-eval's default): BOS when {@code tokenizer.json}'s post-processor adds it, nothing for
 *       tokenizers without one (Qwen); no special tokens when the text already starts with the
 *       prefix token's text.
 *   <li>An empty context is the prefix token (BOS, else EOS) and the continuation encoded without
 *       special tokens (unless that already starts with the prefix token).
 *   <li>Context plus continuation longer than the model's maximum length + 1 keep only their last
 *       {@code max_length + 1} tokens (left truncation; the continuation itself must fit).
 * </ul>
 */
public final class LmEvalEncoding {
  /**
   * The two token lists of one request.
   *
   * @param context the context's tokens
   * @param continuation the continuation's tokens (never empty)
   */
  public record Pair(long[] context, long[] continuation) {
    /**
     * The row the model sees: context then continuation, keeping the last {@code maxLength + 1}
     * tokens (the last one is only ever a target). The continuation is its last {@code
     * continuation().length} tokens.
     */
    public long[] row(int maxLength) {
      int n = context.length + continuation.length;
      int keep = (int) Math.min(n, (long) maxLength + 1);
      long[] row = new long[keep];
      int skip = n - keep;
      for (int i = 0; i < keep; i++) {
        int k = skip + i;
        row[i] = k < context.length ? context[k] : continuation[k - context.length];
      }
      return row;
    }

    /** Whether {@link #row} drops tokens at {@code maxLength}. */
    public boolean truncated(int maxLength) {
      return context.length + (long) continuation.length > (long) maxLength + 1;
    }
  }

  private final TextTokenizer tokenizer;
  private final OptionalLong prefixId;
  private final String prefixText;

  /** The encoding with {@code tokenizer}'s defaults. */
  public LmEvalEncoding(TextTokenizer tokenizer) {
    this.tokenizer = tokenizer;
    OptionalLong bos = tokenizer.bosId();
    this.prefixId = bos.isPresent() ? bos : tokenizer.eosId();
    this.prefixText =
        prefixId.isPresent() ? tokenizer.decode(new long[] {prefixId.getAsLong()}, false) : null;
  }

  /** lm-eval's {@code tok_encode(text)}: the tokenizer's default special tokens. */
  public long[] encode(String text) {
    boolean special = prefixText == null || prefixText.isEmpty() || !text.startsWith(prefixText);
    return tokenizer.encode(text, special);
  }

  /**
   * The tokens of {@code context} followed by {@code continuation} (which carries the target
   * delimiter already), split as lm-eval splits them.
   *
   * @throws IllegalArgumentException when the continuation gets no tokens of its own
   */
  public Pair encodePair(String context, String continuation) {
    if (context.isEmpty()) {
      long[] cont = tokenizer.encode(continuation, false);
      if (cont.length == 0) {
        throw new IllegalArgumentException("the continuation encodes to no tokens");
      }
      if (prefixId.isEmpty()) {
        throw new IllegalArgumentException(
            "an empty context needs a BOS or EOS token, and the tokenizer names neither");
      }
      long p = prefixId.getAsLong();
      return cont[0] != p
          ? new Pair(new long[] {p}, cont)
          : checked(new Pair(new long[] {p}, Arrays.copyOfRange(cont, 1, cont.length)));
    }
    int end = context.length();
    while (end > 0 && isPythonSpace(context.charAt(end - 1))) {
      end--;
    }
    String ctx = context.substring(0, end);
    String cont = context.substring(end) + continuation;
    long[] whole = encode(ctx + cont);
    long[] ctxIds = encode(ctx);
    int start = Math.min(ctxIds.length, whole.length);
    return checked(new Pair(ctxIds, Arrays.copyOfRange(whole, start, whole.length)));
  }

  private static Pair checked(Pair p) {
    if (p.continuation().length == 0) {
      throw new IllegalArgumentException(
          "the continuation gets no tokens of its own (the context's encoding swallows it)");
    }
    return p;
  }

  /**
   * Python's {@code str.isspace} for one UTF-16 unit (what {@code rstrip()} removes): the ASCII and
   * Unicode whitespace, the space separators (no-break space included) and the information
   * separators U+001C..U+001F.
   */
  static boolean isPythonSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c) || c == '\u0085';
  }
}
