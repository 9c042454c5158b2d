package dev.depthscope.core.tokenize;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * The beginning- and end-of-sequence tokens of a tokenizer, whether encoding with special tokens
 * adds them, and what {@code tokenizer_config.json}'s flags say about it, so that a disagreement
 * between the two files is visible instead of silently resolved.
 *
 * <p>The rule: {@code tokenizer.json}'s post-processor alone decides what encoding with special
 * tokens adds; {@code add_bos_token} and {@code add_eos_token} are reported, not applied. This is
 * what the {@code tokenizers} library does, and what {@code transformers} 5 does too: its {@code
 * from_pretrained} drops both flags whenever a {@code tokenizer.json} is present (checked with
 * 5.18.0). {@code transformers} 4 differed: its Llama-family fast tokenizers rebuilt the
 * post-processor from the flags, so DeepSeek-V3 ({@code add_bos_token: true}, a post-processor that
 * adds nothing) got a BOS there and gets none here.
 *
 * @param bosId id of {@code bos_token}, empty when the config names none (Qwen3) or {@code
 *     tokenizer.json} does not define it
 * @param eosId id of {@code eos_token}, with the same convention
 * @param addsBos whether {@link TextTokenizer#encode(String, boolean)} with special tokens puts
 *     {@code bosId} first (measured by encoding a probe text)
 * @param addsEos whether it puts {@code eosId} last
 * @param configAddBos {@code add_bos_token} of the config, empty when absent
 * @param configAddEos {@code add_eos_token} of the config, empty when absent
 */
public record SpecialTokens(
    OptionalLong bosId,
    OptionalLong eosId,
    boolean addsBos,
    boolean addsEos,
    Optional<Boolean> configAddBos,
    Optional<Boolean> configAddEos) {

  /**
   * Whether the config's flags, where present, say what {@code tokenizer.json} does; {@code false}
   * for DeepSeek-V3, whose config sets {@code add_bos_token} while its post-processor adds no BOS.
   */
  public boolean agreesWithConfig() {
    return configAddBos.map(flag -> flag == addsBos).orElse(true)
        && configAddEos.map(flag -> flag == addsEos).orElse(true);
  }

  /**
   * Resolves the special tokens from the config, the ids {@code tokenizer.json} defines, and a
   * probe text encoded by {@code tokenizer.json} with and without special tokens.
   */
  static SpecialTokens resolve(
      TokenizerConfigFile config,
      TokenizerJsonSummary json,
      long[] probeWith,
      long[] probeWithout) {
    OptionalLong bos = idOf(config.bosToken(), json);
    OptionalLong eos = idOf(config.eosToken(), json);
    boolean grew = probeWith.length > probeWithout.length;
    boolean addsBos = grew && bos.isPresent() && probeWith[0] == bos.getAsLong();
    boolean addsEos = grew && eos.isPresent() && probeWith[probeWith.length - 1] == eos.getAsLong();
    return new SpecialTokens(
        bos, eos, addsBos, addsEos, config.addBosToken(), config.addEosToken());
  }

  private static OptionalLong idOf(Optional<String> token, TokenizerJsonSummary json) {
    return token.isPresent() ? json.idOf(token.get()) : OptionalLong.empty();
  }
}
