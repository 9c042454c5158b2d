package dev.depthscope.trainer.data;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes a word-level Hugging Face tokenizer ({@code tokenizer.json} + {@code
 * tokenizer_config.json}) for a fixed vocabulary: whitespace split, one id per word, the special
 * tokens marked as such. DJL's HuggingFace tokenizers and transformers both load it.
 */
public final class WordTokenizerFiles {
  private WordTokenizerFiles() {}

  /** Writes both files into {@code dir} for {@code language}'s vocabulary. */
  public static void write(Path dir, SyntheticLanguage language) throws IOException {
    Files.createDirectories(dir);
    Map<String, Integer> vocab = language.vocab();
    JsonObject root = new JsonObject();
    root.addProperty("version", "1.0");
    root.add("truncation", JsonNull.INSTANCE);
    root.add("padding", JsonNull.INSTANCE);
    JsonArray added = new JsonArray();
    for (String special :
        new String[] {
          SyntheticLanguage.BOS, SyntheticLanguage.EOS, SyntheticLanguage.PAD, SyntheticLanguage.UNK
        }) {
      JsonObject t = new JsonObject();
      t.addProperty("id", vocab.get(special));
      t.addProperty("content", special);
      t.addProperty("single_word", false);
      t.addProperty("lstrip", false);
      t.addProperty("rstrip", false);
      t.addProperty("normalized", false);
      t.addProperty("special", true);
      added.add(t);
    }
    root.add("added_tokens", added);
    root.add("normalizer", JsonNull.INSTANCE);
    JsonObject pre = new JsonObject();
    pre.addProperty("type", "WhitespaceSplit");
    root.add("pre_tokenizer", pre);
    root.add("post_processor", JsonNull.INSTANCE);
    root.add("decoder", JsonNull.INSTANCE);
    JsonObject model = new JsonObject();
    model.addProperty("type", "WordLevel");
    JsonObject v = new JsonObject();
    vocab.forEach(v::addProperty);
    model.add("vocab", v);
    model.addProperty("unk_token", SyntheticLanguage.UNK);
    root.add("model", model);

    JsonObject config = new JsonObject();
    config.addProperty("tokenizer_class", "PreTrainedTokenizerFast");
    config.addProperty("bos_token", SyntheticLanguage.BOS);
    config.addProperty("eos_token", SyntheticLanguage.EOS);
    config.addProperty("pad_token", SyntheticLanguage.PAD);
    config.addProperty("unk_token", SyntheticLanguage.UNK);
    config.addProperty("add_bos_token", false);
    config.addProperty("model_max_length", 4096);

    var gson = new GsonBuilder().setPrettyPrinting().serializeNulls().create();
    Files.writeString(dir.resolve("tokenizer.json"), gson.toJson(root), StandardCharsets.UTF_8);
    Files.writeString(
        dir.resolve("tokenizer_config.json"), gson.toJson(config), StandardCharsets.UTF_8);
  }
}
