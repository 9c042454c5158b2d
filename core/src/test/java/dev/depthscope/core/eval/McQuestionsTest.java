package dev.depthscope.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading MMLU-style CSV questions: a header row, answer letters, and the errors. */
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
}
