package dev.depthscope.trainer.train;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import dev.depthscope.core.io.PartialFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.regex.Pattern;

/**
 * Writes the trainer's JSON files pretty-printed, but with every array of plain numbers on one line
 * so a {@code losses} row reads {@code [12, 7.81, 0.52, 0.0004]}; written to a temporary file and
 * moved into place.
 */
final class JsonFiles {
  private static final Gson GSON =
      new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create();

  /** An array holding only numbers (and NaN/Infinity), as Gson pretty-prints it. */
  private static final Pattern NUMBER_ARRAY =
      Pattern.compile(
          "\\[\\s*((?:-?[0-9.eE+\\-]+|NaN|-?Infinity)(?:,\\s*(?:-?[0-9.eE+\\-]+|NaN|-?Infinity))*)\\s*\\]");

  private JsonFiles() {}

  /** The text written for {@code json}. */
  static String format(JsonElement json) {
    return NUMBER_ARRAY
            .matcher(GSON.toJson(json))
            .replaceAll(m -> "[" + m.group(1).replaceAll(",\\s+", ", ") + "]")
        + "\n";
  }

  /** Writes {@code json} to {@code file} atomically. */
  static void write(Path file, JsonElement json) throws IOException {
    Path tmp = PartialFile.create(file);
    try {
      Files.writeString(tmp, format(json));
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
