package dev.depthscope.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Missing and malformed files give a {@link TokenizerException} naming the file and field. */
class TokenizerErrorsTest {
  @TempDir Path dir;

  private TokenizerException loadFails() {
    return assertThrows(TokenizerException.class, () -> TextTokenizer.load(dir).close());
  }

  private static void assertMentions(TokenizerException e, String... parts) {
    for (String part : parts) {
      assertTrue(e.getMessage().contains(part), () -> "\"" + part + "\" not in: " + e.getMessage());
    }
  }

  @Test
  void missingDirectory() {
    Path absent = dir.resolve("absent");
    TokenizerException e = assertThrows(TokenizerException.class, () -> TextTokenizer.load(absent));
    assertMentions(e, absent + ": no such directory", "tokenizer.json");
  }

  @Test
  void aFileGivenForTheDirectory() throws IOException {
    Path file = java.nio.file.Files.writeString(dir.resolve("tokenizer.json"), "{}");
    TokenizerException e = assertThrows(TokenizerException.class, () -> TextTokenizer.load(file));
    assertMentions(e, file + ": not a directory", "tokenizer.json");
  }

  @Test
  void missingTokenizerJson() throws IOException {
    TinyTokenizerFiles.writeConfig(dir, TinyTokenizerFiles.PLAIN_CONFIG);
    assertMentions(
        loadFails(), dir.resolve("tokenizer.json").toString(), "file not found", "tokenizers");
  }

  @Test
  void missingConfig() throws IOException {
    TinyTokenizerFiles.writeTokenizerJson(dir, null);
    assertMentions(loadFails(), dir.resolve("tokenizer_config.json").toString(), "file not found");
  }

  @Test
  void configNotJson() throws IOException {
    TinyTokenizerFiles.write(dir, null, "{\"bos_token\": ");
    assertMentions(loadFails(), "tokenizer_config.json", "not valid JSON");
  }

  @Test
  void configNotAnObject() throws IOException {
    TinyTokenizerFiles.write(dir, null, "[1, 2]");
    assertMentions(loadFails(), "tokenizer_config.json", "JSON object");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"add_bos_token\": \"yes\"}                 | \"add_bos_token\"",
        "{\"add_eos_token\": 1}                       | \"add_eos_token\"",
        "{\"bos_token\": 5}                           | \"bos_token\"",
        "{\"eos_token\": [\"</s>\"]}                  | \"eos_token\"",
        "{\"bos_token\": {\"text\": \"<s>\"}}         | \"bos_token.content\"",
        "{\"model_max_length\": 1.5}                  | \"model_max_length\"",
        "{\"model_max_length\": -3}                   | \"model_max_length\"",
        "{\"model_max_length\": \"big\"}              | \"model_max_length\"",
      })
  void malformedConfigFieldIsNamed(String config, String field) throws IOException {
    TinyTokenizerFiles.write(dir, null, config);
    assertMentions(loadFails(), dir.resolve("tokenizer_config.json").toString(), field);
  }

  @Test
  void tokenizerJsonNotJson() throws IOException {
    TinyTokenizerFiles.writeConfig(dir, TinyTokenizerFiles.PLAIN_CONFIG);
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"vocab\": ");
    assertMentions(loadFails(), "tokenizer.json", "not a valid tokenizers file");
  }

  @Test
  void tokenizerJsonWithoutVocab() throws IOException {
    TinyTokenizerFiles.writeConfig(dir, TinyTokenizerFiles.PLAIN_CONFIG);
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"BPE\"}}");
    assertMentions(loadFails(), "tokenizer.json", "\"model.vocab\"");
  }

  @Test
  void tokenizerJsonRejectedByTokenizersLibrary() throws IOException {
    TinyTokenizerFiles.writeConfig(dir, TinyTokenizerFiles.PLAIN_CONFIG);
    Files.writeString(
        dir.resolve("tokenizer.json"), "{\"model\": {\"type\": \"NoSuchModel\", \"vocab\": {}}}");
    assertMentions(loadFails(), "tokenizer.json", "rejected");
  }
}
