package dev.depthscope.core.tokenize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a five-word WordLevel tokenizer ({@code <s>}=0, {@code </s>}=1, {@code <unk>}=2, {@code
 * hello}=3, {@code world}=4) into a directory, so that loading rules and errors can be tested
 * without the test data.
 */
final class TinyTokenizerFiles {
  /** A post-processor that wraps a single sequence as {@code <s> A </s>}. */
  static final String BOS_EOS_TEMPLATE =
      """
      {"type": "TemplateProcessing",
       "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}},
                  {"Sequence": {"id": "A", "type_id": 0}},
                  {"SpecialToken": {"id": "</s>", "type_id": 0}}],
       "pair": [{"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
       "special_tokens": {"<s>": {"id": "<s>", "ids": [0], "tokens": ["<s>"]},
                          "</s>": {"id": "</s>", "ids": [1], "tokens": ["</s>"]}}}
      """;

  /** A config naming {@code <s>} and {@code </s>} with no flags. */
  static final String PLAIN_CONFIG = "{\"bos_token\": \"<s>\", \"eos_token\": \"</s>\"}";

  private TinyTokenizerFiles() {}

  /** Writes {@code tokenizer.json} with the given post-processor JSON ({@code null} for none). */
  static void writeTokenizerJson(Path dir, String postProcessor) throws IOException {
    String added =
        """
        [{"id": 0, "content": "<s>", "single_word": false, "lstrip": false, "rstrip": false,
          "normalized": false, "special": true},
         {"id": 1, "content": "</s>", "single_word": false, "lstrip": false, "rstrip": false,
          "normalized": false, "special": true}]
        """;
    String json =
        "{\"version\": \"1.0\", \"truncation\": null, \"padding\": null, \"added_tokens\": "
            + added
            + ", \"normalizer\": null, \"pre_tokenizer\": {\"type\": \"WhitespaceSplit\"},"
            + " \"post_processor\": "
            + (postProcessor == null ? "null" : postProcessor)
            + ", \"decoder\": null, \"model\": {\"type\": \"WordLevel\", \"vocab\": {\"<s>\": 0,"
            + " \"</s>\": 1, \"<unk>\": 2, \"hello\": 3, \"world\": 4}, \"unk_token\": \"<unk>\"}}";
    Files.writeString(dir.resolve("tokenizer.json"), json);
  }

  /** Writes {@code tokenizer_config.json} with the given text. */
  static void writeConfig(Path dir, String json) throws IOException {
    Files.writeString(dir.resolve("tokenizer_config.json"), json);
  }

  /** Writes both files: the given post-processor and config. */
  static Path write(Path dir, String postProcessor, String config) throws IOException {
    writeTokenizerJson(dir, postProcessor);
    writeConfig(dir, config);
    return dir;
  }
}
