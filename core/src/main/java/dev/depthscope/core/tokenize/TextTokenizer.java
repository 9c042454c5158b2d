package dev.depthscope.core.tokenize;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.depthscope.core.io.ReadErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * The tokenizer of a Hugging Face model directory: {@code tokenizer.json} run by the Rust {@code
 * tokenizers} library through DJL, with the special tokens that {@code tokenizer_config.json}
 * declares.
 *
 * <p>Ids are the {@code tokenizers} library's, never truncated or padded: DJL by default truncates
 * to 512 tokens, which would silently cut analysis inputs, so it is built with truncation and
 * padding off. {@code tokenizer_config.json} is read here (DJL exposes neither its flags nor the
 * ids of its tokens) and DJL parses {@code tokenizer.json} alone, so no DJL default taken from the
 * config (padding token, lower-casing, maximum length) applies.
 *
 * <p>Encoding with special tokens adds what {@code tokenizer.json}'s post-processor adds, as the
 * {@code tokenizers} library and {@code transformers} 5 do; the config's {@code add_bos_token} and
 * {@code add_eos_token} are reported, not applied (see {@link SpecialTokens} for the rule and for
 * how to see a disagreement).
 *
 * <p>DJL may contact its telemetry endpoint on first use unless the system property {@code
 * ai.djl.offline} (or the environment variable {@code DJL_OFFLINE}) is {@code true}; this class
 * sets no global state, so offline callers set it themselves. Close the tokenizer to free its
 * native memory.
 */
public final class TextTokenizer implements AutoCloseable {
  /** A text without special tokens, encoded once to see what the post-processor adds. */
  private static final String PROBE = "depth probe";

  private static final Map<String, String> DJL_OPTIONS =
      Map.of("truncation", "false", "padding", "false", "addSpecialTokens", "false");

  private final Path directory;
  private final HuggingFaceTokenizer djl;
  private final SpecialTokens special;
  private final int vocabSize;
  private final OptionalLong modelMaxLength;

  private TextTokenizer(
      Path directory,
      HuggingFaceTokenizer djl,
      SpecialTokens special,
      int vocabSize,
      OptionalLong modelMaxLength) {
    this.directory = directory;
    this.djl = djl;
    this.special = special;
    this.vocabSize = vocabSize;
    this.modelMaxLength = modelMaxLength;
  }

  /**
   * Loads the tokenizer of {@code directory} ({@code tokenizer.json} and {@code
   * tokenizer_config.json}).
   *
   * @throws TokenizerException naming the file (and field) when a file is missing or malformed
   */
  public static TextTokenizer load(Path directory) {
    if (!Files.isDirectory(directory)) {
      throw new TokenizerException(
          directory
              + (Files.exists(directory) ? ": not a directory" : ": no such directory")
              + "; expected a model directory holding "
              + TokenizerJsonSummary.FILE_NAME
              + " and "
              + TokenizerConfigFile.FILE_NAME);
    }
    Path jsonFile = directory.resolve(TokenizerJsonSummary.FILE_NAME);
    // Checked before the config so that the more fundamental absence is the one reported.
    TokenizerJsonSummary.requirePresent(jsonFile);
    TokenizerConfigFile config =
        TokenizerConfigFile.read(directory.resolve(TokenizerConfigFile.FILE_NAME));
    TokenizerJsonSummary json =
        TokenizerJsonSummary.read(
            jsonFile,
            Stream.of(config.bosToken(), config.eosToken()).flatMap(Optional::stream).toList());
    HuggingFaceTokenizer djl = openDjl(jsonFile);
    try {
      long[] with = djl.encode(PROBE, true, false).getIds();
      long[] without = djl.encode(PROBE, false, false).getIds();
      SpecialTokens special = SpecialTokens.resolve(config, json, with, without);
      return new TextTokenizer(directory, djl, special, json.vocabSize(), config.modelMaxLength());
    } catch (RuntimeException e) {
      djl.close();
      throw e;
    }
  }

  private static HuggingFaceTokenizer openDjl(Path jsonFile) {
    try {
      // Given the file (not the directory), DJL parses tokenizer.json only.
      return HuggingFaceTokenizer.newInstance(jsonFile, DJL_OPTIONS);
    } catch (IOException e) {
      throw new TokenizerException(ReadErrors.ioMessage(jsonFile, e), e);
    } catch (RuntimeException e) {
      throw new TokenizerException(
          jsonFile + ": the tokenizers library rejected it: " + e.getMessage(), e);
    }
  }

  /**
   * Encodes {@code text} into token ids, whatever its length.
   *
   * @param addSpecialTokens whether to add what {@code tokenizer.json}'s post-processor adds (BOS
   *     first when {@link #addsBos()}, EOS last when {@link #addsEos()}); special tokens written in
   *     the text itself are recognised either way, as in {@code tokenizers}
   */
  public long[] encode(String text, boolean addSpecialTokens) {
    Objects.requireNonNull(text, "text");
    return djl.encode(text, addSpecialTokens, false).getIds();
  }

  /**
   * Decodes ids into text, leaving special tokens out, as {@code tokenizers}' {@code decode} does
   * by default (no {@code transformers} clean-up of spaces).
   */
  public String decode(long[] ids) {
    return decode(ids, true);
  }

  /**
   * Decodes ids into text, keeping special tokens such as BOS when {@code skipSpecial} is false.
   */
  public String decode(long[] ids, boolean skipSpecial) {
    Objects.requireNonNull(ids, "ids");
    return djl.decode(ids, skipSpecial);
  }

  /** The id of {@code bos_token}, empty when the config names none (Qwen3) or it is undefined. */
  public OptionalLong bosId() {
    return special.bosId();
  }

  /** The id of {@code eos_token}, empty when the config names none or it is undefined. */
  public OptionalLong eosId() {
    return special.eosId();
  }

  /** Whether {@link #encode(String, boolean) encode(text, true)} starts with {@link #bosId()}. */
  public boolean addsBos() {
    return special.addsBos();
  }

  /** Whether {@link #encode(String, boolean) encode(text, true)} ends with {@link #eosId()}. */
  public boolean addsEos() {
    return special.addsEos();
  }

  /** The special tokens, and whether the config's flags agree with what encoding adds. */
  public SpecialTokens specialTokens() {
    return special;
  }

  /**
   * Number of distinct tokens, base vocabulary plus added tokens; ids lie below it for the
   * tokenizers seen so far, but a model's embedding may be larger (padded).
   */
  public int vocabSize() {
    return vocabSize;
  }

  /**
   * {@code model_max_length} of the config, empty when absent or when it is {@code transformers}'
   * "no limit" value ({@code 1e30}). Informational only: nothing is truncated.
   */
  public OptionalLong modelMaxLength() {
    return modelMaxLength;
  }

  /** The directory the tokenizer was loaded from. */
  public Path directory() {
    return directory;
  }

  /** Frees the native tokenizer; later calls to encode or decode fail. Idempotent. */
  @Override
  public void close() {
    djl.close();
  }

  @Override
  public String toString() {
    return "TextTokenizer[" + directory + ", vocab " + vocabSize + ", " + special + "]";
  }
}
