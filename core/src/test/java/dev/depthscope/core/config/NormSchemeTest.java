package dev.depthscope.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code depthscope_norm_scheme} config field and the block layout it selects. */
class NormSchemeTest {
  private static final String CONFIG =
      "{\"model_type\": \"llama\", \"hidden_size\": 8, \"num_attention_heads\": 2,"
          + " \"num_hidden_layers\": 8, \"intermediate_size\": 16, \"vocab_size\": 10%s}";

  @Test
  void absentFieldMeansPreAndValuesParse(@TempDir Path tmp) throws Exception {
    Files.writeString(tmp.resolve("config.json"), CONFIG.formatted(""));
    assertEquals(NormScheme.PRE, ModelConfig.load(tmp).normScheme());
    Files.writeString(
        tmp.resolve("config.json"), CONFIG.formatted(", \"depthscope_norm_scheme\": \"mix\""));
    assertEquals(NormScheme.MIX, ModelConfig.load(tmp).normScheme());
  }

  @Test
  void unknownValueNamesFileAndField(@TempDir Path tmp) throws Exception {
    Files.writeString(
        tmp.resolve("config.json"), CONFIG.formatted(", \"depthscope_norm_scheme\": \"lns\""));
    ConfigException e = assertThrows(ConfigException.class, () -> ModelConfig.load(tmp));
    assertTrue(e.getMessage().contains("config.json"), e.getMessage());
    assertTrue(e.getMessage().contains("depthscope_norm_scheme"), e.getMessage());
  }

  @Test
  void mixMakesTheFirstQuarterPostLn() {
    assertTrue(NormScheme.MIX.postNorm(1, 8));
    assertFalse(NormScheme.MIX.postNorm(2, 8));
    assertFalse(NormScheme.MIX.postNorm(0, 3)); // floor(3/4) = 0
    assertTrue(NormScheme.POST.postNorm(5, 6));
    assertFalse(NormScheme.PRE.postNorm(0, 6));
    assertEquals("post", NormScheme.POST.configValue());
  }
}
