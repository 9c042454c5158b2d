package dev.depthscope.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.Gson;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The words for unreadable files and refused JSON: the file named once, no library text. */
class ReadErrorsTest {
  @TempDir Path tmp;

  /** A record to map JSON onto, as the audit reader does. */
  record Sample(String name, double value, int[] rows) {}

  private static void assertNoLibraryText(String m) {
    for (String leak : new String[] {"Exception", "http", "gson", "Troubleshooting", "BEGIN_"}) {
      assertFalse(m.contains(leak), leak + " in: " + m);
    }
  }

  @Test
  void missingFileIsNamedOnceByTheCaller() {
    Path f = tmp.resolve("gone.txt");
    IOException e = assertThrows(IOException.class, () -> Files.readString(f));
    assertEquals(f + ": no such file", ReadErrors.ioMessage(f, e));
  }

  @Test
  void directoryGivenForAFileSaysSo() {
    IOException e = assertThrows(IOException.class, () -> Files.readAllBytes(tmp));
    assertEquals("is a directory, expected a file", ReadErrors.io(tmp, e));
  }

  @Test
  void malformedJsonGivesLineAndColumn() {
    JsonParseException e =
        assertThrows(JsonParseException.class, () -> JsonParser.parseString("{\"a\": 1,,}"));
    String m = ReadErrors.json(e);
    assertTrue(m.matches("not valid JSON at line 1, column \\d+"), m);
    assertNoLibraryText(m);
  }

  @Test
  void truncatedJsonIsNotValidJson() {
    JsonParseException e =
        assertThrows(JsonParseException.class, () -> JsonParser.parseString("{"));
    assertTrue(
        ReadErrors.json(e).matches("not valid JSON at line 1, column \\d+"), ReadErrors.json(e));
  }

  @Test
  void wrongStructureSaysWhatWasExpectedAndWhere() {
    RuntimeException e =
        assertThrows(
            RuntimeException.class, () -> new Gson().fromJson("{\"rows\": {}}", Sample.class));
    String m = ReadErrors.json(e);
    assertTrue(
        m.matches("expected an array, found an object at \\$\\.rows \\(line 1, column \\d+\\)"), m);
    assertNoLibraryText(m);
    RuntimeException top =
        assertThrows(RuntimeException.class, () -> new Gson().fromJson("\"x\"", Sample.class));
    String t = ReadErrors.json(top);
    assertTrue(t.matches("expected an object, found a string at \\$ \\(line 1, column \\d+\\)"), t);
  }

  @Test
  void aNumberThatIsNotOneIsQuoted() {
    RuntimeException e =
        assertThrows(
            RuntimeException.class, () -> new Gson().fromJson("{\"rows\": [\"x\"]}", Sample.class));
    String m = ReadErrors.json(e);
    assertEquals("expected a number, found \"x\"", m);
    assertNoLibraryText(m);
  }
}
