package dev.depthscope.core.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.depthscope.core.checkpoint.CheckpointException;
import dev.depthscope.core.checkpoint.SafetensorsFile;
import dev.depthscope.core.checkpoint.TensorInfo;
import dev.depthscope.core.io.ReadErrors;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a batch of token ids, used exactly as given (nothing added, nothing cut): either a JSON
 * array of equally long arrays of integers, or a safetensors file with an integer tensor {@code
 * input_ids} of shape {@code [B, T]} (the layout of the reference activations).
 */
public final class TokenIdsFile {
  private TokenIdsFile() {}

  /** Reads {@code file}, choosing the format by its extension ({@code .safetensors} or JSON). */
  public static long[][] read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(file + ": no such token-ids file");
    }
    long[][] ids =
        file.getFileName().toString().endsWith(".safetensors")
            ? readSafetensors(file)
            : readJson(file);
    if (ids.length == 0 || ids[0].length == 0) {
      throw new IllegalArgumentException(file + ": holds no token ids");
    }
    for (int r = 1; r < ids.length; r++) {
      if (ids[r].length != ids[0].length) {
        throw new IllegalArgumentException(
            file
                + ": rows must have equal length (row 0 has "
                + ids[0].length
                + ", row "
                + r
                + " has "
                + ids[r].length
                + ")");
      }
    }
    return ids;
  }

  private static long[][] readSafetensors(Path file) {
    try (SafetensorsFile st = SafetensorsFile.open(file)) {
      TensorInfo t = st.tensors().get("input_ids");
      if (t == null) {
        throw new CheckpointException(file + ": no tensor \"input_ids\" (expected int64 [B, T])");
      }
      long[] shape = t.shape();
      if (shape.length != 2) {
        throw new CheckpointException(
            file + ": tensor \"input_ids\" has shape " + t.shapeText() + ", expected [B, T]");
      }
      long[] flat = st.readLongs("input_ids");
      int b = (int) shape[0];
      int n = (int) shape[1];
      long[][] out = new long[b][n];
      for (int r = 0; r < b; r++) {
        System.arraycopy(flat, r * n, out[r], 0, n);
      }
      return out;
    }
  }

  private static long[][] readJson(Path file) {
    JsonElement root;
    try (Reader in = Files.newBufferedReader(file)) {
      root = JsonParser.parseReader(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(ReadErrors.ioMessage(file, e), e);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(file + ": " + ReadErrors.json(e));
    }
    if (!root.isJsonArray()) {
      throw new IllegalArgumentException(file + ": expected a JSON array of arrays of token ids");
    }
    JsonArray rows = root.getAsJsonArray();
    long[][] out = new long[rows.size()][];
    for (int r = 0; r < out.length; r++) {
      JsonElement row = rows.get(r);
      if (!row.isJsonArray()) {
        throw new IllegalArgumentException(
            file + ": row " + r + " is not an array (expected [[id, ...], ...])");
      }
      JsonArray a = row.getAsJsonArray();
      out[r] = new long[a.size()];
      for (int i = 0; i < a.size(); i++) {
        JsonElement v = a.get(i);
        try {
          if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isNumber()) {
            throw new NumberFormatException();
          }
          out[r][i] = v.getAsBigDecimal().longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
          throw new IllegalArgumentException(
              file + ": row " + r + ", position " + i + " is " + v + ", expected an integer id");
        }
      }
    }
    return out;
  }
}
