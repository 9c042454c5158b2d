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
        if (!isString(q)) {
          throw new IllegalArgumentException(
              where + ": field \"question\" must be a string, found " + shown(q));
        }
        if (c == null || !c.isJsonArray()) {
          throw new IllegalArgumentException(
              where + ": field \"choices\" must be an array of strings, found " + shown(c));
        }
        List<String> choices = new ArrayList<>();
        JsonArray array = c.getAsJsonArray();
        for (int k = 0; k < array.size(); k++) {
          if (!isString(array.get(k))) {
            throw new IllegalArgumentException(
                where + ": choice " + k + " must be a string, found " + shown(array.get(k)));
          }
          choices.add(array.get(k).getAsString());
        }
        if (choices.size() < 2) {
          throw new IllegalArgumentException(
              where + ": a question needs at least two choices, found " + choices.size());
        }
        out.add(new McQuestion(q.getAsString(), choices, answer(where, a, choices.size())));
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

  /**
   * The answer index: an integer literal (no fraction, exponent, quotes or sign) below {@code n}.
   * Gson would turn 1.7 into 1 and 4294967296 into 0, so the literal's text is checked.
   */
  private static int answer(String where, JsonElement a, int n) {
    String expected = "the 0-based index of the right choice (an integer 0.." + (n - 1) + ")";
    if (a == null || !a.isJsonPrimitive() || !a.getAsJsonPrimitive().isNumber()) {
      throw new IllegalArgumentException(
          where + ": field \"answer\" must be " + expected + ", found " + shown(a));
    }
    String literal = a.getAsString();
    if (!literal.matches("-?[0-9]+")) {
      throw new IllegalArgumentException(
          where + ": field \"answer\" must be " + expected + ", found " + literal);
    }
    java.math.BigInteger v = new java.math.BigInteger(literal);
    if (v.signum() < 0 || v.compareTo(java.math.BigInteger.valueOf(n)) >= 0) {
      throw new IllegalArgumentException(
          where
              + ": field \"answer\" is "
              + literal
              + ", but the question has "
              + n
              + " choices (0.."
              + (n - 1)
              + ")");
    }
    return v.intValueExact();
  }

  private static boolean isString(JsonElement e) {
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString();
  }

  /** An element as it appeared, shortened, for an error message; "nothing" when absent. */
  private static String shown(JsonElement e) {
    if (e == null) {
      return "nothing";
    }
    String text = e.toString();
    return text.length() > 40 ? text.substring(0, 37) + "..." : text;
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
