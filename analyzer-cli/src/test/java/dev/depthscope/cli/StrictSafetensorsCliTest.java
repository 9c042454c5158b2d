package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model whose {@code model.safetensors} breaks one rule of the format is refused by {@code
 * depthscope inspect} with exit code 2 and one {@code depthscope: error:} line naming the file, the
 * tensor where there is one, and the rule, in our own words.
 */
class StrictSafetensorsCliTest {
  @TempDir Path dir;

  /** A copy of the tiny Llama fixture whose weights file is {@code mutate} of the original. */
  private Path modelWith(String name, UnaryOperator<byte[]> mutate) throws IOException {
    Path src = TestData.model("llama-tiny-bf16");
    Path model = Files.createDirectories(dir.resolve(name));
    for (String f : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json"}) {
      Files.copy(src.resolve(f), model.resolve(f));
    }
    byte[] weights = Files.readAllBytes(src.resolve("model.safetensors"));
    Files.write(model.resolve("model.safetensors"), mutate.apply(weights));
    return model;
  }

  /** The file with its header text changed by {@code edit} and the length field updated. */
  private static UnaryOperator<byte[]> header(UnaryOperator<String> edit) {
    return file -> {
      int n = (int) ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
      String text = new String(file, 8, n, StandardCharsets.UTF_8);
      byte[] h = edit.apply(text).getBytes(StandardCharsets.UTF_8);
      return ByteBuffer.allocate(file.length - n + h.length)
          .order(ByteOrder.LITTLE_ENDIAN)
          .putLong(h.length)
          .put(h)
          .put(file, 8 + n, file.length - 8 - n)
          .array();
    };
  }

  private String inspectError(Path model) {
    Run r = Run.of("inspect", model.toString());
    assertEquals(2, r.code(), () -> "exit code for a broken checkpoint: " + r.err());
    assertEquals(1, r.err().lines().count(), () -> "one line: " + r.err());
    String line = r.err().strip();
    assertTrue(line.startsWith("depthscope: error: "), line);
    assertTrue(line.contains(model.resolve("model.safetensors").toString()), line);
    for (String leak : new String[] {"Exception", "setStrictness", "gson", "http", "\tat "}) {
      assertFalse(line.contains(leak), () -> leak + " in: " + line);
    }
    assertEquals("", r.out(), "nothing on stdout");
    return line;
  }

  private static void assertMentions(String line, String... words) {
    for (String w : words) {
      assertTrue(line.contains(w), () -> "expected \"" + w + "\" in: " + line);
    }
  }

  @Test
  void theUnchangedCopyInspects() throws IOException {
    Run r = Run.of("inspect", modelWith("intact", b -> b).toString());
    assertEquals(0, r.code(), r.err());
  }

  @Test
  void anOffsetWrittenAsARealNumberIsRefused() throws IOException {
    Path m = modelWith("real", header(h -> h.replaceFirst("\\[0,", "[0.0,")));
    assertMentions(inspectError(m), "tensor \"", "data_offsets", "fraction or exponent");
    Path e = modelWith("exp", header(h -> h.replaceFirst(",524288\\]", ",5.24288e5]")));
    assertMentions(inspectError(e), "tensor \"lm_head.weight\"", "fraction or exponent");
  }

  @Test
  void aRepeatedKeyIsRefused() throws IOException {
    Path m =
        modelWith(
            "dup",
            header(
                h ->
                    h.replaceFirst("\"dtype\":\"BF16\"", "\"dtype\":\"BF16\",\"dtype\":\"BF16\"")));
    assertMentions(inspectError(m), "tensor \"lm_head.weight\"", "duplicate key \"dtype\"");
  }

  @Test
  void bytesAfterTheLastTensorAreRefused() throws IOException {
    Path m = modelWith("tail", b -> Arrays.copyOf(b, b.length + 3));
    assertMentions(inspectError(m), "trailing bytes", "belong to no tensor");
  }

  @Test
  void aByteOrderMarkIsRefused() throws IOException {
    Path m = modelWith("bom", header(h -> "\uFEFF" + h));
    assertMentions(inspectError(m), "byte order mark");
  }

  @Test
  void anUnknownDtypeIsRefusedWithTheKnownOnes() throws IOException {
    Path m = modelWith("dtype", header(h -> h.replaceFirst("\"BF16\"", "\"BF17\"")));
    assertMentions(inspectError(m), "tensor \"lm_head.weight\"", "unknown dtype \"BF17\"", "F32");
  }

  @Test
  void aMeaninglessLengthFieldIsNotPrintedAsANumber() throws IOException {
    Path m =
        modelWith(
            "length",
            b -> {
              byte[] c = b.clone();
              ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
              return c;
            });
    String line = inspectError(m);
    assertMentions(line, "header length is not between 1 and 104857600");
    assertFalse(line.contains(Long.toString(Long.MAX_VALUE)), line);
  }
}
