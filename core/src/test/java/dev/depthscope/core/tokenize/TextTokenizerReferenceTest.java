package dev.depthscope.core.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DJL ids against {@code testdata/data/tokenizers/reference-encodings.json}, the ids of the Python
 * {@code tokenizers} library for hard strings, for the real Llama 3, Qwen3 and DeepSeek-V3
 * tokenizers and the project's Brown BPE.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TextTokenizerReferenceTest {
  private static final Map<String, String> DIRS =
      Map.of(
          "llama3", "data/tokenizers/llama3",
          "qwen3", "data/tokenizers/qwen3",
          "deepseek_v3", "data/tokenizers/deepseek_v3",
          "brown-bpe-4096", "data/brown-bpe-4096");

  private JsonObject reference;
  private List<String> samples;
  private final Map<String, TextTokenizer> tokenizers = new HashMap<>();

  @BeforeAll
  void readReference() throws IOException {
    Path file = TestData.fixture("data/tokenizers/reference-encodings.json");
    reference = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
    samples =
        reference.getAsJsonArray("samples").asList().stream()
            .map(sample -> sample.getAsString())
            .toList();
  }

  @AfterAll
  void closeTokenizers() {
    tokenizers.values().forEach(TextTokenizer::close);
  }

  private TextTokenizer tokenizer(String name) {
    return tokenizers.computeIfAbsent(name, n -> TextTokenizer.load(TestData.fixture(DIRS.get(n))));
  }

  private JsonObject expected(String name) {
    return reference.getAsJsonObject("tokenizers").getAsJsonObject(name);
  }

  private static long[] ids(JsonArray array) {
    return array.asList().stream().mapToLong(id -> id.getAsLong()).toArray();
  }

  @Test
  void referenceCoversTheFourTokenizers() {
    assertEquals(DIRS.keySet(), reference.getAsJsonObject("tokenizers").keySet());
    assertEquals(8, samples.size());
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama3", "qwen3", "deepseek_v3", "brown-bpe-4096"})
  void idsMatchReferenceWithAndWithoutSpecialTokens(String name) {
    TextTokenizer tok = tokenizer(name);
    JsonArray with = expected(name).getAsJsonArray("with_special");
    JsonArray without = expected(name).getAsJsonArray("without_special");
    for (int i = 0; i < samples.size(); i++) {
      String sample = samples.get(i);
      String where = name + " sample " + i + " " + sample;
      assertArrayEquals(ids(with.get(i).getAsJsonArray()), tok.encode(sample, true), where);
      assertArrayEquals(ids(without.get(i).getAsJsonArray()), tok.encode(sample, false), where);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama3", "qwen3", "deepseek_v3", "brown-bpe-4096"})
  void decodeMatchesReferenceAndVocabSize(String name) {
    TextTokenizer tok = tokenizer(name);
    JsonArray with = expected(name).getAsJsonArray("with_special");
    JsonArray decoded = expected(name).getAsJsonArray("decoded");
    for (int i = 0; i < samples.size(); i++) {
      assertEquals(
          decoded.get(i).getAsString(),
          tok.decode(ids(with.get(i).getAsJsonArray())),
          name + " sample " + i);
    }
    assertEquals(expected(name).get("vocab_size").getAsInt(), tok.vocabSize(), name);
  }

  @Test
  void specialTokensAsTheFilesSay() {
    // name -> bos, eos, addsBos, agreesWithConfig
    record Expect(OptionalLong bos, OptionalLong eos, boolean addsBos, boolean agrees) {}
    Map<String, Expect> expect =
        Map.of(
            "llama3", new Expect(OptionalLong.of(128000), OptionalLong.of(128001), false, true),
            "qwen3", new Expect(OptionalLong.empty(), OptionalLong.of(151645), false, true),
            // add_bos_token: true in the config, but tokenizer.json adds nothing.
            "deepseek_v3", new Expect(OptionalLong.of(0), OptionalLong.of(1), false, false),
            "brown-bpe-4096", new Expect(OptionalLong.of(0), OptionalLong.of(1), true, true));
    for (Map.Entry<String, Expect> e : expect.entrySet()) {
      SpecialTokens special = tokenizer(e.getKey()).specialTokens();
      Expect x = e.getValue();
      String name = e.getKey();
      assertEquals(x.bos(), special.bosId(), name);
      assertEquals(x.eos(), special.eosId(), name);
      assertEquals(x.addsBos(), special.addsBos(), name);
      assertEquals(false, special.addsEos(), name);
      assertEquals(x.agrees(), special.agreesWithConfig(), name);
    }
  }

  @Test
  void modelMaxLength() {
    assertEquals(OptionalLong.empty(), tokenizer("llama3").modelMaxLength(), "1e30 = no limit");
    assertEquals(OptionalLong.of(131072), tokenizer("qwen3").modelMaxLength());
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama3", "brown-bpe-4096"})
  void longTextIsNotTruncated(String name) {
    TextTokenizer tok = tokenizer(name);
    String text = "The Curse of Depth in Large Language Models, page 17. ".repeat(200);
    long[] plain = tok.encode(text, false);
    long[] special = tok.encode(text, true);
    assertTrue(plain.length > 2000, name + ": " + plain.length + " tokens");
    assertEquals(plain.length + (tok.addsBos() ? 1 : 0), special.length, name);
    assertEquals(text, tok.decode(plain), name);
  }
}
