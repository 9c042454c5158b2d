package dev.depthscope.core.eval;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.depthscope.core.io.ReadErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads multiple-choice questions: JSONL ({@code {"question": ..., "choices": [...], "answer": k}}
 * per line, k 0-based) or MMLU-style CSV (question, A, B, C, D, answer letter; a header row such as
 * {@code question,A,B,C,D,answer} is skipped), chosen by the {@code .csv} extension.
 */
public final class McQuestions {
  private McQuestions() {}

  /** Reads {@code file}; errors name the file and line. */
  public static List<McQuestion> read(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalArgumentException(ReadErrors.ioMessage(file, e), e);
    }
    List<McQuestion> out =
        file.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".csv")
            ? csv(file, String.join("\n", lines))
            : jsonl(file, lines);
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + ": holds no questions");
    }
    return out;
  }

  private static List<McQuestion> jsonl(Path file, List<String> lines) {
    List<McQuestion> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty()) {
        continue;
      }
      String where = file + ":" + (i + 1);
      try {
        JsonElement e = JsonParser.parseString(line);
        if (!e.isJsonObject()) {
          throw new IllegalArgumentException(where + ": expected a JSON object");
        }
        JsonObject o = e.getAsJsonObject();
        JsonElement q = o.get("question");
        JsonElement c = o.get("choices");
        JsonElement a = o.get("answer");
        if (q == null || !q.isJsonPrimitive()) {
          throw new IllegalArgumentException(where + ": field \"question\" must be a string");
        }
        if (c == null || !c.isJsonArray()) {
          throw new IllegalArgumentException(where + ": field \"choices\" must be an array");
        }
        if (a == null || !a.isJsonPrimitive() || !a.getAsJsonPrimitive().isNumber()) {
          throw new IllegalArgumentException(
              where + ": field \"answer\" must be the 0-based index of the right choice");
        }
        List<String> choices = new ArrayList<>();
        for (JsonElement x : (JsonArray) c) {
          choices.add(x.getAsString());
        }
        out.add(new McQuestion(q.getAsString(), choices, a.getAsInt()));
      } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
        throw new IllegalArgumentException(where + ": not a valid question: " + ReadErrors.json(e));
      } catch (IllegalArgumentException e) {
        throw e.getMessage().startsWith(where)
            ? e
            : new IllegalArgumentException(where + ": " + e.getMessage());
      }
    }
    return out;
  }

  private static List<McQuestion> csv(Path file, String text) {
    List<List<String>> rows = CsvRows.parse(file, text);
    List<McQuestion> out = new ArrayList<>();
    boolean first = true;
    for (int i = 0; i < rows.size(); i++) {
      List<String> r = rows.get(i);
      if (r.size() == 1 && r.get(0).isBlank()) {
        continue;
      }
      boolean header = first && isHeader(r);
      first = false;
      if (header) {
        continue;
      }
      String where = file + ": row " + (i + 1);
      if (r.size() != 6) {
        throw new IllegalArgumentException(
            where + ": expected 6 columns (question, A, B, C, D, answer), found " + r.size());
      }
      String letter = r.get(5).strip().toUpperCase(java.util.Locale.ROOT);
      if (letter.length() != 1 || letter.charAt(0) < 'A' || letter.charAt(0) > 'D') {
        throw new IllegalArgumentException(
            where + ": answer must be one of A, B, C, D, found \"" + r.get(5) + "\"");
      }
      out.add(new McQuestion(r.get(0), r.subList(1, 5), letter.charAt(0) - 'A'));
    }
    return out;
  }

  /**
   * Whether the first row is a header (question,A,B,C,D,answer): six columns whose last is not a
   * single letter. A single wrong letter is a data row and is reported as such.
   */
  private static boolean isHeader(List<String> row) {
    return row.size() == 6 && row.get(5).strip().length() > 1;
  }
}
