package dev.depthscope.core.tokenize;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.depthscope.core.io.ReadErrors;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The fields of a {@code tokenizer_config.json} that decide special tokens and length, as written
 * by {@code transformers}. Read here because DJL does not expose these fields; tokens may be
 * written as strings or as objects ({@code {"content": ...}}), and {@code model_max_length} may
 * exceed {@code long}.
 *
 * @param bosToken content of {@code bos_token}, empty when absent or {@code null}
 * @param eosToken content of {@code eos_token}, empty when absent or {@code null}
 * @param addBosToken {@code add_bos_token}, empty when absent or {@code null}
 * @param addEosToken {@code add_eos_token}, empty when absent or {@code null}
 * @param modelMaxLength {@code model_max_length}, empty when absent, {@code null} or beyond {@code
 *     long} ({@code transformers} writes {@code int(1e30)} to mean "no limit")
 */
public record TokenizerConfigFile(
    Optional<String> bosToken,
    Optional<String> eosToken,
    Optional<Boolean> addBosToken,
    Optional<Boolean> addEosToken,
    OptionalLong modelMaxLength) {

  /** The file name inside a model directory. */
  public static final String FILE_NAME = "tokenizer_config.json";

  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  /**
   * Reads and validates {@code file}.
   *
   * @throws TokenizerException naming the file, and the field where one is wrong, when the file is
   *     missing, unreadable, not a JSON object, or holds a field of the wrong type
   */
  public static TokenizerConfigFile read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new TokenizerException(
          file
              + ": file not found; expected the "
              + FILE_NAME
              + " that transformers saves beside tokenizer.json (bos_token, eos_token,"
              + " add_bos_token, ...)");
    }
    JsonElement root;
    try (Reader reader = Files.newBufferedReader(file)) {
      root = JsonParser.parseReader(reader);
    } catch (IOException e) {
      throw new TokenizerException(ReadErrors.ioMessage(file, e), e);
    } catch (JsonParseException e) {
      throw new TokenizerException(file + ": " + ReadErrors.json(e), e);
    }
    if (!root.isJsonObject()) {
      throw new TokenizerException(file + ": expected a JSON object at the top level");
    }
    JsonObject obj = root.getAsJsonObject();
    return new TokenizerConfigFile(
        token(file, obj, "bos_token"),
        token(file, obj, "eos_token"),
        flag(file, obj, "add_bos_token"),
        flag(file, obj, "add_eos_token"),
        maxLength(file, obj, "model_max_length"));
  }

  private static Optional<String> token(Path file, JsonObject obj, String field) {
    JsonElement value = obj.get(field);
    if (value == null || value.isJsonNull()) {
      return Optional.empty();
    }
    if (isString(value)) {
      return Optional.of(value.getAsString());
    }
    if (value.isJsonObject()) {
      JsonElement content = value.getAsJsonObject().get("content");
      if (content != null && isString(content)) {
        return Optional.of(content.getAsString());
      }
      throw fieldError(file, field + ".content", "a string", content);
    }
    throw fieldError(file, field, "a string, null or an object with \"content\"", value);
  }

  private static Optional<Boolean> flag(Path file, JsonObject obj, String field) {
    JsonElement value = obj.get(field);
    if (value == null || value.isJsonNull()) {
      return Optional.empty();
    }
    if (value.isJsonPrimitive() && value.getAsJsonPrimitive().isBoolean()) {
      return Optional.of(value.getAsBoolean());
    }
    throw fieldError(file, field, "true, false or null", value);
  }

  private static OptionalLong maxLength(Path file, JsonObject obj, String field) {
    JsonElement value = obj.get(field);
    if (value == null || value.isJsonNull()) {
      return OptionalLong.empty();
    }
    if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
      throw fieldError(file, field, "a non-negative integer", value);
    }
    BigInteger length;
    try {
      BigDecimal number = value.getAsBigDecimal();
      length = number.toBigIntegerExact();
    } catch (ArithmeticException | NumberFormatException e) {
      throw fieldError(file, field, "a non-negative integer", value);
    }
    if (length.signum() < 0) {
      throw fieldError(file, field, "a non-negative integer", value);
    }
    return length.compareTo(LONG_MAX) > 0
        ? OptionalLong.empty()
        : OptionalLong.of(length.longValueExact());
  }

  private static boolean isString(JsonElement value) {
    return value.isJsonPrimitive() && ((JsonPrimitive) value).isString();
  }

  private static TokenizerException fieldError(
      Path file, String field, String expected, JsonElement found) {
    return new TokenizerException(
        file + ": field \"" + field + "\" must be " + expected + ", found " + found);
  }
}
