package dev.depthscope.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented ranges of {@link ConfigLimits}: one-line errors naming the field, the value and
 * the range, raised before anything is sized from the value; values at the bounds still load.
 */
class ConfigLimitsTest {
  @TempDir Path tmp;

  /** Fixture {@code name}'s config with the fields of {@code extra} (JSON) set. */
  private Path config(String name, String extra) throws IOException {
    JsonObject c =
        JsonParser.parseString(Files.readString(TestData.model(name).resolve("config.json")))
            .getAsJsonObject();
    JsonParser.parseString(extra)
        .getAsJsonObject()
        .entrySet()
        .forEach(e -> c.add(e.getKey(), e.getValue()));
    Path dir = Files.createTempDirectory(tmp, name);
    Files.writeString(dir.resolve("config.json"), c.toString());
    return dir;
  }

  /** The message of loading {@code name} with {@code extra}, checked to name the file. */
  private String error(String name, String extra) throws IOException {
    Path dir = config(name, extra);
    ConfigException e = assertThrows(ConfigException.class, () -> ModelConfig.load(dir));
    String m = e.getMessage();
    assertTrue(m.startsWith(dir.resolve("config.json") + ": "), m);
    assertEquals(1, m.lines().count(), m);
    return m.substring(m.indexOf(": ") + 2);
  }

  @Test
  void hugeLayerAndExpertCountsNameTheRange() throws IOException {
    assertEquals(
        "field \"num_hidden_layers\" is 2147483647; expected 1..1024",
        error("llama-tiny-bf16", "{\"num_hidden_layers\": 2147483647}"));
    assertEquals(
        "field \"num_hidden_layers\" is 100000000; expected 1..1024",
        error("deepseek-v3-tiny-bf16", "{\"num_hidden_layers\": 1e8}"));
    assertEquals(
        "field \"num_local_experts\" is 2147483647; expected 1..4096",
        error("mixtral-tiny-fp32", "{\"num_local_experts\": 2147483647}"));
    assertEquals(
        "field \"vocab_size\" is 4194305; expected 1..4194304",
        error("qwen3-tiny-bf16", "{\"vocab_size\": 4194305}"));
  }

  @Test
  void valuesAtTheBoundsLoad() throws IOException {
    ModelConfig c =
        ModelConfig.load(
            config(
                "llama-tiny-bf16",
                "{\"num_hidden_layers\": 1024, \"vocab_size\": 4194304,"
                    + " \"max_position_embeddings\": 16777216}"));
    assertEquals(1024, c.numLayers());
    assertEquals(1 << 22, c.vocabSize());
    assertEquals(1 << 24, c.maxPositionEmbeddings());
  }

  @Test
  void epsAndRopeNumbersMustBeInRange() throws IOException {
    assertEquals(
        "field \"rms_norm_eps\" is 0.0; expected a number in (0.0, 1.0)",
        error("llama-tiny-bf16", "{\"rms_norm_eps\": 0}"));
    assertEquals(
        "field \"rms_norm_eps\" is 1.5; expected a number in (0.0, 1.0)",
        error("llama-tiny-bf16", "{\"rms_norm_eps\": 1.5}"));
    assertEquals(
        "field \"rope_theta\" is -1.0; expected a finite number > 0",
        error("llama-tiny-bf16", "{\"rope_theta\": -1}"));
    assertEquals(
        "field \"rope_scaling.factor\" is 0.0; expected a finite number > 0",
        error("llama-tiny-bf16", "{\"rope_scaling\": {\"rope_type\": \"linear\", \"factor\": 0}}"));
    assertEquals(
        "field \"rope_parameters.original_max_position_embeddings\" is 0; expected 1..16777216",
        error(
            "qwen3-tiny-bf16",
            "{\"rope_parameters\": {\"rope_type\": \"yarn\", \"factor\": 4,"
                + " \"original_max_position_embeddings\": 0}}"));
    assertTrue(
        error(
                "llama-tiny-bf16",
                "{\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8,"
                    + " \"low_freq_factor\": 4, \"high_freq_factor\": 4}}")
            .contains("\"rope_scaling.high_freq_factor\" is 4.0; expected a number >"),
        "llama3 divides by high - low");
    assertTrue(error("llama-tiny-bf16", "{\"rms_norm_eps\": 1e400}").contains("a finite number"));
  }

  @Test
  void headsMustDivideAndMlaWidthsAgree() throws IOException {
    assertEquals(
        "field \"num_attention_heads\" is 3; it must divide hidden_size = 64 when head_dim is not"
            + " given",
        error("mixtral-tiny-fp32", "{\"num_attention_heads\": 3, \"num_key_value_heads\": 1}"));
    assertEquals(
        "field \"num_key_value_heads\" is 8; expected 1..4",
        error("llama-tiny-bf16", "{\"num_key_value_heads\": 8}"));
    assertEquals(
        "field \"qk_head_dim\" is 40; expected qk_nope_head_dim + qk_rope_head_dim = 32",
        error("deepseek-v3-tiny-bf16", "{\"qk_head_dim\": 40}"));
    assertEquals(
        "field \"num_experts_per_tok\" is 9; it must be between 1 and the number of experts, 8",
        error("deepseek-v3-tiny-bf16", "{\"num_experts_per_tok\": 9}"));
    assertTrue(
        error("deepseek-v3-tiny-bf16", "{\"qk_rope_head_dim\": 15}")
            .startsWith("field \"qk_rope_head_dim\" is 15; expected an even number"));
  }

  @Test
  void idsThatAreNotExactIntegersAreRefused() throws IOException {
    assertTrue(
        error("llama-tiny-bf16", "{\"eos_token_id\": [1, 1e20]}")
            .startsWith("field \"eos_token_id\" must be an integer or an array of integers"));
  }
}
