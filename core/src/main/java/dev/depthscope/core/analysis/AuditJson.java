package dev.depthscope.core.analysis;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonIOException;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import com.google.gson.TypeAdapter;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import com.google.gson.stream.JsonWriter;
import dev.depthscope.core.io.OutputSet;
import dev.depthscope.core.io.PartialFile;
import dev.depthscope.core.io.ReadErrors;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Reads and writes {@code audit.json}. Field names are snake_case; NaN and infinities (undefined
 * numbers) are written as null, since JSON has no NaN. Writing is atomic: a temporary file in the
 * target directory, then a move, so a crash never leaves half a report.
 */
public final class AuditJson {
  private AuditJson() {}

  private static final TypeAdapter<Double> NULLABLE_DOUBLE =
      new TypeAdapter<>() {
        @Override
        public void write(JsonWriter out, Double v) throws IOException {
          if (v == null || v.isNaN() || v.isInfinite()) {
            out.nullValue();
          } else {
            out.value(v);
          }
        }

        @Override
        public Double read(JsonReader in) throws IOException {
          if (in.peek() == JsonToken.NULL) {
            in.nextNull();
            return Double.NaN;
          }
          if (in.peek() != JsonToken.NUMBER) {
            // Gson would read a numeric string, or fail without saying where.
            throw new JsonSyntaxException(
                "Expected NUMBER but was " + in.peek() + " at path " + in.getPath());
          }
          return in.nextDouble();
        }
      };

  /**
   * Marks a record component that stays out of {@code audit.json} (data written to a file of its
   * own beside it); it reads back as null.
   */
  @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
  @java.lang.annotation.Target({
    java.lang.annotation.ElementType.FIELD,
    java.lang.annotation.ElementType.RECORD_COMPONENT
  })
  public @interface Omitted {}

  private static final com.google.gson.ExclusionStrategy OMITTED =
      new com.google.gson.ExclusionStrategy() {
        @Override
        public boolean shouldSkipField(com.google.gson.FieldAttributes f) {
          return f.getAnnotation(Omitted.class) != null;
        }

        @Override
        public boolean shouldSkipClass(Class<?> c) {
          return false;
        }
      };

  /** The Gson configuration of the schema. */
  public static Gson gson() {
    return new GsonBuilder()
        .setExclusionStrategies(OMITTED)
        .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
        .registerTypeAdapter(Double.class, NULLABLE_DOUBLE)
        .registerTypeAdapter(double.class, NULLABLE_DOUBLE)
        .serializeNulls()
        .setPrettyPrinting()
        .create();
  }

  /** The file name of an audit in its output directory. */
  public static final String FILE = "audit.json";

  /** Stages {@code result} as {@value #FILE} in {@code out}; the caller publishes the set. */
  public static void write(AuditResult result, OutputSet out) throws IOException {
    try (Writer w =
        new OutputStreamWriter(
            new BufferedOutputStream(out.newOutputStream(FILE)), StandardCharsets.UTF_8)) {
      gson().toJson(result, w);
    } catch (JsonIOException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      throw e;
    }
  }

  /** Writes {@code result} to {@code file} atomically. */
  public static void write(AuditResult result, Path file) throws IOException {
    Path tmp = PartialFile.create(file);
    try {
      try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        gson().toJson(result, w);
      }
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads an {@code audit.json}, checking its schema. Errors name the file and what is wrong (no
   * such file, not valid JSON at a line and column, the wrong schema, a field of the wrong type).
   */
  public static AuditResult read(Path file) throws IOException {
    JsonElement tree;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      tree = JsonParser.parseReader(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(ReadErrors.ioMessage(file, e), e);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(file + ": " + ReadErrors.json(e));
    }
    if (!tree.isJsonObject()) {
      throw new IllegalArgumentException(
          file + ": expected a JSON object (an audit.json written by depthscope audit)");
    }
    JsonElement schema = tree.getAsJsonObject().get("schema");
    if (schema == null
        || !schema.isJsonPrimitive()
        || !AuditResult.SCHEMA.equals(schema.getAsString())) {
      throw new IllegalArgumentException(
          file
              + ": field \"schema\" is "
              + (schema == null ? "missing" : schema.toString())
              + ", expected \""
              + AuditResult.SCHEMA
              + "\"");
    }
    try {
      return gson().fromJson(tree, AuditResult.class);
    } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
      throw new IllegalArgumentException(file + ": not a valid audit.json: " + ReadErrors.json(e));
    }
  }
}
