package dev.depthscope.trainer.train;

import dev.depthscope.core.io.ReadErrors;
import dev.depthscope.core.tokenize.TextTokenizer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A training or eval corpus as one flat stream of token ids, with the batch rule of REFERENCE.md:
 * row r of step s reads {@code stream[o : o+seq+1]} with {@code o = ((s*batch + r)*seq) mod (N -
 * seq - 1)}. No shuffling, so every run (and the PyTorch reference) sees the same tokens.
 */
public final class TokenStream {
  private final int[] tokens;
  private final String source;

  private TokenStream(int[] tokens, String source) {
    this.tokens = tokens;
    this.source = source;
  }

  /** Wraps ids already in memory ({@code source} names them in errors). */
  public static TokenStream of(int[] tokens, String source) {
    return new TokenStream(tokens.clone(), source);
  }

  /**
   * Reads a little-endian stream of unsigned ids, {@code width} bytes each (2 = uint16, 4 =
   * uint32).
   */
  public static TokenStream read(Path file, int width) {
    if (width != 2 && width != 4) {
      throw new IllegalArgumentException("--token-width must be 2 or 4, is " + width);
    }
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(ReadErrors.ioMessage(file, e), e);
    }
    if (bytes.length % width != 0) {
      throw new IllegalArgumentException(
          file + ": " + bytes.length + " bytes is not a multiple of the token width " + width);
    }
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int[] ids = new int[bytes.length / width];
    for (int i = 0; i < ids.length; i++) {
      if (width == 2) {
        ids[i] = Short.toUnsignedInt(b.getShort());
      } else {
        long v = Integer.toUnsignedLong(b.getInt());
        if (v > Integer.MAX_VALUE) {
          throw new IllegalArgumentException(file + ": token " + i + " is " + v + ", too large");
        }
        ids[i] = (int) v;
      }
    }
    return new TokenStream(ids, file.toString());
  }

  /**
   * Tokenizes a text file line by line without special tokens, appending the tokenizer's EOS id
   * after every line (as the shared {@code brown-bpe-4096/*.u16} streams were made).
   */
  public static TokenStream tokenize(Path text, TextTokenizer tokenizer) {
    long eos =
        tokenizer
            .eosId()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        tokenizer.directory() + ": the tokenizer declares no EOS token"));
    int[] ids = new int[1 << 16];
    int n = 0;
    try (BufferedReader r = Files.newBufferedReader(text, StandardCharsets.UTF_8)) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        long[] enc = line.isEmpty() ? new long[0] : tokenizer.encode(line, false);
        if (n + enc.length + 1 > ids.length) {
          ids = Arrays.copyOf(ids, Math.max(ids.length * 2, n + enc.length + 1));
        }
        for (long id : enc) {
          ids[n++] = Math.toIntExact(id);
        }
        ids[n++] = (int) eos;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(ReadErrors.ioMessage(text, e), e);
    }
    return new TokenStream(Arrays.copyOf(ids, n), text.toString());
  }

  /** Splits off the last {@code fraction} of the tokens: {@code [head, tail]} (a held-out eval). */
  public TokenStream[] splitTail(double fraction) {
    int cut = (int) Math.round(tokens.length * (1 - fraction));
    return new TokenStream[] {
      new TokenStream(Arrays.copyOfRange(tokens, 0, cut), source + " (first part)"),
      new TokenStream(Arrays.copyOfRange(tokens, cut, tokens.length), source + " (held-out tail)")
    };
  }

  /**
   * The same tokens starting at position {@code offset mod N} and wrapping around: another data
   * order for the same text (the REFERENCE.md rows then start elsewhere), for runs over several
   * seeds. Offset 0 is this stream.
   */
  public TokenStream rotated(long offset) {
    int start = (int) Math.floorMod(offset, (long) tokens.length);
    if (start == 0) {
      return this;
    }
    int[] r = new int[tokens.length];
    System.arraycopy(tokens, start, r, 0, tokens.length - start);
    System.arraycopy(tokens, 0, r, tokens.length - start, start);
    return new TokenStream(r, source + " (rotated by " + start + ")");
  }

  /** Number of tokens N. */
  public int size() {
    return tokens.length;
  }

  /** Where the tokens came from. */
  public String source() {
    return source;
  }

  /** The largest id in the stream (checked against the vocabulary before training). */
  public int maxId() {
    int m = -1;
    for (int t : tokens) {
      m = Math.max(m, t);
    }
    return m;
  }

  /** Fails naming the source if the stream is too short for {@code seq} or has ids >= vocab. */
  public void check(int seq, int vocab) {
    if (tokens.length < seq + 2) {
      throw new IllegalArgumentException(
          source + ": " + tokens.length + " tokens, need at least seq + 2 = " + (seq + 2));
    }
    int max = maxId();
    if (max >= vocab) {
      throw new IllegalArgumentException(
          source + ": token id " + max + " is outside the model's vocabulary (" + vocab + ")");
    }
  }

  /** The {@code batch} rows of step {@code step}, each {@code seq + 1} ids (inputs + target). */
  public long[][] batch(int step, int batch, int seq) {
    long period = (long) tokens.length - seq - 1;
    long[][] rows = new long[batch][seq + 1];
    for (int r = 0; r < batch; r++) {
      long o = Math.floorMod(((long) step * batch + r) * seq, period);
      for (int i = 0; i <= seq; i++) {
        rows[r][i] = tokens[(int) o + i];
      }
    }
    return rows;
  }
}
