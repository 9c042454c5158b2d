package dev.depthscope.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Reading questions: MMLU-style CSV (a header row, answer letters) and JSONL (strings and an
 * integer answer in range), and the errors.
 */
class McQuestionsTest {
  @TempDir Path tmp;

  private Path csv(String text) throws IOException {
    return Files.writeString(tmp.resolve("q.csv"), text);
  }

  @Test
  void aHeaderRowIsSkipped() throws IOException {
    List<McQuestion> q =
        McQuestions.read(
            csv("question,A,B,C,D,answer\n2 + 2 =,3,4,5,6,B\n\"Sky, by day\",blue,red,x,y,a\n"));
    assertEquals(2, q.size());
    assertEquals("2 + 2 =", q.get(0).question());
    assertEquals(1, q.get(0).answer());
    assertEquals(List.of("blue", "red", "x", "y"), q.get(1).choices());
    assertEquals(0, q.get(1).answer());
  }

  @Test
  void withoutAHeaderEveryRowIsAQuestion() throws IOException {
    assertEquals(2, McQuestions.read(csv("a,b,c,d,e,D\nf,g,h,i,j,C\n")).size());
  }

  @Test
  void aWrongLetterInTheFirstRowIsStillAnError() throws IOException {
    Path f = csv("a,b,c,d,e,E\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> McQuestions.read(f));
    assertTrue(
        e.getMessage().contains(": row 1: answer must be one of A, B, C, D"), e.getMessage());
  }

  @Test
  void onlyTheFirstRowCanBeAHeader() throws IOException {
    Path f = csv("a,b,c,d,e,A\nquestion,A,B,C,D,answer\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> McQuestions.read(f));
    assertTrue(e.getMessage().contains(": row 2: answer must be one of"), e.getMessage());
  }

  @Test
  void aHeaderAloneHoldsNoQuestions() throws IOException {
    Path f = csv("question,A,B,C,D,answer\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> McQuestions.read(f));
    assertEquals(f + ": holds no questions", e.getMessage());
  }

  @Test
  void aMissingFileIsNamedOnce() {
    Path f = tmp.resolve("none.csv");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> McQuestions.read(f));
    assertEquals(f + ": no such file", e.getMessage());
  }

  @Test
  void aMalformedJsonlLineCarriesNoLibraryText() throws IOException {
    Path f = Files.writeString(tmp.resolve("q.jsonl"), "{\"question\": \"a\",,}\n");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> McQuestions.read(f));
    assertTrue(
        e.getMessage().matches(".*q\\.jsonl:1: not a valid question: not valid JSON at line 1,.*"),
        e.getMessage());
  }

  private Path jsonl(String... lines) throws IOException {
    return Files.writeString(tmp.resolve("q.jsonl"), String.join("\n", lines) + "\n");
  }

  @Test
  void jsonlAnswersAreZeroBasedIntegers() throws IOException {
    Path f =
        jsonl(
            "{\"question\": \"2 + 2 =\", \"choices\": [\"3\", \"4\", \"5\"], \"answer\": 1}",
            "",
            "{\"question\": \"Sky?\", \"choices\": [\"blue\", \"red\"], \"answer\": 0}");
    List<McQuestion> q = McQuestions.read(f);
    assertEquals(2, q.size());
    assertEquals(List.of("3", "4", "5"), q.get(0).choices());
    assertEquals(1, q.get(0).answer());
    assertEquals(0, q.get(1).answer());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "4294967296 | is 4294967296, but the question has 3 choices (0..2)",
        "1.7 | (an integer 0..2), found 1.7",
        "1.0 | (an integer 0..2), found 1.0",
        "1e0 | (an integer 0..2), found 1e0",
        "'\"1\"' | (an integer 0..2), found \"1\"",
        "-1 | is -1, but the question has 3 choices (0..2)",
        "3 | is 3, but the question has 3 choices (0..2)",
        "99999999999999999999 | is 99999999999999999999, but the question has 3 choices",
        "null | (an integer 0..2), found null",
        "true | (an integer 0..2), found true"
      })
  void aJsonlAnswerThatIsNotAnIndexInRangeIsRefusedWithItsLine(String answer, String expected)
      throws IOException {
    Path f =
        jsonl(
            "{\"question\": \"ok\", \"choices\": [\"a\", \"b\"], \"answer\": 1}",
            "{\"question\": \"q\", \"choices\": [\"a\", \"b\", \"c\"], \"answer\": "
                + answer
                + "}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> McQuestions.read(f));
    assertTrue(e.getMessage().startsWith(f + ":2: field \"answer\" "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'\"question\": 7, \"choices\": [\"a\", \"b\"]' | field \"question\" must be a string, found 7",
        "'\"question\": \"q\", \"choices\": [\"a\", 2]' | choice 1 must be a string, found 2",
        "'\"question\": \"q\", \"choices\": [\"a\", [\"b\"]]' | choice 1 must be a string, found [\"b\"]",
        "'\"question\": \"q\", \"choices\": \"ab\"' | field \"choices\" must be an array of strings",
        "'\"question\": \"q\", \"choices\": [\"a\"]' | needs at least two choices, found 1"
      })
  void jsonlQuestionsAndChoicesMustBeStrings(String fields, String expected) throws IOException {
    Path f = jsonl("{" + fields + ", \"answer\": 0}");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> McQuestions.read(f));
    assertTrue(e.getMessage().startsWith(f + ":1: "), e.getMessage());
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
