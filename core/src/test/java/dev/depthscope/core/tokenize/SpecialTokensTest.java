package dev.depthscope.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The special-token rule on a tiny tokenizer: tokenizer.json decides, the config is reported. */
class SpecialTokensTest {
  @TempDir Path dir;

  @Test
  void templatePostProcessorAddsBosAndEos() throws IOException {
    TinyTokenizerFiles.write(
        dir, TinyTokenizerFiles.BOS_EOS_TEMPLATE, TinyTokenizerFiles.PLAIN_CONFIG);
    try (TextTokenizer tok = TextTokenizer.load(dir)) {
      assertArrayEquals(new long[] {0, 3, 4, 1}, tok.encode("hello world", true));
      assertArrayEquals(new long[] {3, 4}, tok.encode("hello world", false));
      assertEquals(OptionalLong.of(0), tok.bosId());
      assertEquals(OptionalLong.of(1), tok.eosId());
      assertTrue(tok.addsBos());
      assertTrue(tok.addsEos());
      assertTrue(tok.specialTokens().agreesWithConfig());
      assertEquals(5, tok.vocabSize());
    }
  }

  @Test
  void configFlagsDoNotOverrideTokenizerJson() throws IOException {
    // As DeepSeek-V3: add_bos_token true, but no post-processor that adds it.
    TinyTokenizerFiles.write(
        dir,
        null,
        "{\"bos_token\": {\"content\": \"<s>\"}, \"eos_token\": \"</s>\","
            + " \"add_bos_token\": true, \"add_eos_token\": false}");
    try (TextTokenizer tok = TextTokenizer.load(dir)) {
      assertArrayEquals(new long[] {3, 4}, tok.encode("hello world", true));
      assertEquals(OptionalLong.of(0), tok.bosId());
      assertFalse(tok.addsBos());
      SpecialTokens special = tok.specialTokens();
      assertEquals(Optional.of(true), special.configAddBos());
      assertEquals(Optional.of(false), special.configAddEos());
      assertFalse(special.agreesWithConfig());
    }
  }

  @Test
  void flagSayingFalseAgainstTemplateIsReportedAsDisagreement() throws IOException {
    TinyTokenizerFiles.write(
        dir,
        TinyTokenizerFiles.BOS_EOS_TEMPLATE,
        "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\", \"add_eos_token\": false}");
    try (TextTokenizer tok = TextTokenizer.load(dir)) {
      assertArrayEquals(new long[] {0, 3, 1}, tok.encode("hello", true));
      assertFalse(tok.specialTokens().agreesWithConfig());
    }
  }

  @Test
  void nullBosTokenLeavesBosUnknown() throws IOException {
    TinyTokenizerFiles.write(
        dir, null, "{\"bos_token\": null, \"eos_token\": \"</s>\", \"add_bos_token\": false}");
    try (TextTokenizer tok = TextTokenizer.load(dir)) {
      assertEquals(OptionalLong.empty(), tok.bosId());
      assertFalse(tok.addsBos());
      assertTrue(tok.specialTokens().agreesWithConfig());
    }
  }

  @Test
  void tokenUnknownToTokenizerJsonHasNoId() throws IOException {
    TinyTokenizerFiles.write(dir, null, "{\"bos_token\": \"<bos>\", \"eos_token\": \"</s>\"}");
    try (TextTokenizer tok = TextTokenizer.load(dir)) {
      assertEquals(OptionalLong.empty(), tok.bosId());
      assertEquals(OptionalLong.of(1), tok.eosId());
    }
  }

  @Test
  void specialTokensWrittenInTextAreRecognisedAndSkippedByDecode() throws IOException {
    TinyTokenizerFiles.write(
        dir, TinyTokenizerFiles.BOS_EOS_TEMPLATE, TinyTokenizerFiles.PLAIN_CONFIG);
    try (TextTokenizer tok = TextTokenizer.load(dir)) {
      long[] ids = tok.encode("<s> hello", false);
      assertArrayEquals(new long[] {0, 3}, ids);
      assertEquals("hello", tok.decode(ids));
      assertEquals("<s> hello", tok.decode(ids, false));
    }
  }

  @Test
  void modelMaxLengthBeyondLongMeansNoLimit() throws IOException {
    TinyTokenizerFiles.write(
        dir,
        null,
        "{\"bos_token\": \"<s>\", \"model_max_length\": 1000000000000000019884624838656}");
    try (TextTokenizer tok = TextTokenizer.load(dir)) {
      assertEquals(OptionalLong.empty(), tok.modelMaxLength());
    }
    TinyTokenizerFiles.writeConfig(dir, "{\"model_max_length\": 2048}");
    try (TextTokenizer tok = TextTokenizer.load(dir)) {
      assertEquals(OptionalLong.of(2048), tok.modelMaxLength());
    }
  }
}
