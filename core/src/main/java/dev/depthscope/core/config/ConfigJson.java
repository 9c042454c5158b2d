package dev.depthscope.core.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed access to the fields of a parsed {@code config.json}, with errors that name the file, the
 * field and the expected type. A JSON {@code null} counts as absent, as in transformers.
 */
final class ConfigJson {
  private final Path file;
  private final JsonObject root;
  private final String prefix;

  ConfigJson(Path file, JsonObject root) {
    this(file, root, "");
  }

  private ConfigJson(Path file, JsonObject root, String prefix) {
    this.file = file;
    this.root = root;
    this.prefix = prefix;
  }

  Path file() {
    return file;
  }

  JsonObject root() {
    return root;
  }

  /** The dotted path of this object inside the file ("" at the top, "rope_scaling." inside). */
  String prefix() {
    return prefix;
  }

  boolean has(String field) {
    JsonElement e = root.get(field);
    return e != null && !e.isJsonNull();
  }

  /** A sub-object, or null when absent. */
  ConfigJson object(String field) {
    JsonElement e = root.get(field);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonObject()) {
      throw error(field, "an object", e);
    }
    return new ConfigJson(file, e.getAsJsonObject(), prefix + field + ".");
  }

  int requireInt(String field) {
    if (!has(field)) {
      throw new ConfigException(file + ": required field \"" + prefix + field + "\" is missing");
    }
    return intOr(field, 0);
  }

  int intOr(String field, int fallback) {
    JsonElement e = root.get(field);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    try {
      if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
        return e.getAsBigDecimal().intValueExact();
      }
    } catch (ArithmeticException | NumberFormatException ex) {
      // fall through to the error below
    }
    throw error(field, "an integer", e);
  }

  double doubleOr(String field, double fallback) {
    JsonElement e = root.get(field);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      double v = e.getAsDouble();
      if (Double.isFinite(v)) {
        return v;
      }
      throw error(field, "a finite number", e);
    }
    throw error(field, "a number", e);
  }

  boolean boolOr(String field, boolean fallback) {
    JsonElement e = root.get(field);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isBoolean()) {
      return e.getAsBoolean();
    }
    throw error(field, "true or false", e);
  }

  String stringOr(String field, String fallback) {
    JsonElement e = root.get(field);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isString()) {
      return e.getAsString();
    }
    throw error(field, "a string", e);
  }

  /** A list of strings, or null when absent. */
  List<String> strings(String field) {
    JsonElement e = root.get(field);
    if (e == null || e.isJsonNull()) {
      return null;
    }
    if (!e.isJsonArray()) {
      throw error(field, "an array of strings", e);
    }
    List<String> out = new ArrayList<>();
    for (JsonElement x : (JsonArray) e) {
      if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isString()) {
        throw error(field, "an array of strings", e);
      }
      out.add(x.getAsString());
    }
    return out;
  }

  /** An int or a list of ints (e.g. {@code eos_token_id}); empty when absent. */
  List<Integer> intList(String field) {
    JsonElement e = root.get(field);
    List<Integer> out = new ArrayList<>();
    if (e == null || e.isJsonNull()) {
      return out;
    }
    if (e.isJsonArray()) {
      for (JsonElement x : (JsonArray) e) {
        if (!x.isJsonPrimitive() || !x.getAsJsonPrimitive().isNumber()) {
          throw error(field, "an integer or an array of integers", e);
        }
        try {
          out.add(x.getAsBigDecimal().intValueExact());
        } catch (ArithmeticException | NumberFormatException ex) {
          throw error(field, "an integer or an array of integers", e);
        }
      }
      return out;
    }
    out.add(intOr(field, 0));
    return out;
  }

  ConfigException error(String field, String expected, JsonElement found) {
    String shown = found.toString();
    if (shown.length() > 80) {
      shown = shown.substring(0, 77) + "...";
    }
    return new ConfigException(
        file + ": field \"" + prefix + field + "\" must be " + expected + ", found " + shown);
  }
}
