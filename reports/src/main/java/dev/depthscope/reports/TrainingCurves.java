package dev.depthscope.reports;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.depthscope.core.io.ReadErrors;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The loss curves of one training run (one norm scheme), as plotted in reports.
 *
 * <p>Read from the trainer's {@code curves.json} ({@code {"losses": [[step, loss, grad_norm, lr],
 * ...], "evals": [[step, eval_loss], ...], "final_eval_loss": x, "hyperparameters": {...}}}: one
 * run per file) or from the PyTorch reference files, which hold several runs keyed by scheme
 * ({@code {"pre": {"losses": ...}, "lns": {...}, "hyperparameters": ...}}).
 *
 * @param name the run's label, e.g. {@code pre} or {@code lns}
 * @param losses training points {@code [step, loss]}, in file order
 * @param evals evaluation points {@code [step, eval_loss]}, in file order
 * @param finalEvalLoss the last evaluation loss, NaN when the file has none
 */
public record TrainingCurves(
    String name, List<double[]> losses, List<double[]> evals, double finalEvalLoss) {

  public TrainingCurves {
    losses = List.copyOf(losses);
    evals = List.copyOf(evals);
  }

  /**
   * Reads every run in {@code file}. A single-run trainer file is named by its hyperparameter
   * {@code norm} (or {@code norm_scheme}, {@code scheme}) when present, else by the name of the
   * folder holding the file.
   *
   * @throws IllegalArgumentException when the file is missing or unreadable, or holds no run or a
   *     malformed one
   */
  public static List<TrainingCurves> read(Path file) throws IOException {
    JsonElement root;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = JsonParser.parseReader(in);
    } catch (IOException e) {
      throw new IllegalArgumentException(ReadErrors.ioMessage(file, e), e);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(file + ": " + ReadErrors.json(e));
    }
    if (!root.isJsonObject()) {
      throw new IllegalArgumentException(file + ": expected a JSON object of training curves");
    }
    JsonObject obj = root.getAsJsonObject();
    List<TrainingCurves> runs = new ArrayList<>();
    try {
      if (obj.has("losses")) {
        runs.add(parseRun(singleRunName(obj, file), obj));
      } else {
        for (Map.Entry<String, JsonElement> e : obj.entrySet()) {
          if (e.getValue().isJsonObject() && e.getValue().getAsJsonObject().has("losses")) {
            runs.add(parseRun(e.getKey(), e.getValue().getAsJsonObject()));
          }
        }
      }
    } catch (IllegalStateException | UnsupportedOperationException | IndexOutOfBoundsException e) {
      throw new IllegalArgumentException(
          file + ": malformed training curves: " + ReadErrors.json(e));
    }
    if (runs.isEmpty()) {
      throw new IllegalArgumentException(
          file + ": no training run found (expected \"losses\" at the top or in a named run)");
    }
    return runs;
  }

  private static String singleRunName(JsonObject obj, Path file) {
    JsonElement hp = obj.get("hyperparameters");
    if (hp != null && hp.isJsonObject()) {
      for (String key : new String[] {"norm", "norm_scheme", "scheme"}) {
        JsonElement v = hp.getAsJsonObject().get(key);
        if (v != null && v.isJsonPrimitive()) {
          return v.getAsString();
        }
      }
    }
    Path parent = file.toAbsolutePath().getParent();
    return parent != null && parent.getFileName() != null
        ? parent.getFileName().toString()
        : file.getFileName().toString();
  }

  private static TrainingCurves parseRun(String name, JsonObject run) {
    List<double[]> losses = points(run.getAsJsonArray("losses"));
    List<double[]> evals = run.has("evals") ? points(run.getAsJsonArray("evals")) : List.of();
    JsonElement fin = run.get("final_eval_loss");
    double finalEval =
        fin != null && !fin.isJsonNull()
            ? fin.getAsDouble()
            : evals.isEmpty() ? Double.NaN : evals.get(evals.size() - 1)[1];
    return new TrainingCurves(name, losses, evals, finalEval);
  }

  // Only the first two columns matter for plotting; the trainer adds grad norm and lr after them.
  private static List<double[]> points(JsonArray rows) {
    List<double[]> out = new ArrayList<>(rows.size());
    for (JsonElement row : rows) {
      JsonArray r = row.getAsJsonArray();
      if (r.get(1).isJsonNull()) {
        continue;
      }
      out.add(new double[] {r.get(0).getAsDouble(), r.get(1).getAsDouble()});
    }
    return out;
  }
}
