package dev.depthscope.core.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words for why a file could not be read, for the one-line {@code depthscope: error: FILE: ...}
 * messages. Java's I/O exceptions carry the path as their whole message and Gson's carry class
 * names and a troubleshooting link, so passing either through would name the file twice or leak
 * library text; these methods say what is wrong (no such file, not valid JSON at line 3, ...) and
 * leave naming the file to the caller.
 */
public final class ReadErrors {
  private static final Pattern LOCATION = Pattern.compile("line (\\d+) column (\\d+)");
  private static final Pattern JSON_PATH = Pattern.compile("path (\\$[^\\s]*?)\\.?(?=\\s|$)");
  private static final Pattern EXPECTED = Pattern.compile("Expected (an? )?(\\w+) but was (\\w+)");
  private static final Pattern INPUT = Pattern.compile("For input string: (\"[^\"]*\")");
  private static final Map<String, String> TOKENS =
      Map.of(
          "BEGIN_OBJECT", "an object",
          "END_OBJECT", "the end of an object",
          "BEGIN_ARRAY", "an array",
          "END_ARRAY", "the end of an array",
          "STRING", "a string",
          "NUMBER", "a number",
          "BOOLEAN", "true or false",
          "NULL", "null",
          "NAME", "a field name",
          "END_DOCUMENT", "the end of the file");

  private ReadErrors() {}

  /**
   * Why {@code file} could not be read, without its name: {@code no such file}, {@code is a
   * directory, expected a file}, {@code permission denied}, or {@code cannot read (reason)}.
   */
  public static String io(Path file, IOException e) {
    if (e instanceof NoSuchFileException) {
      return "no such file";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (file != null && Files.isDirectory(file)) {
      return "is a directory, expected a file";
    }
    String reason = e instanceof FileSystemException f ? f.getReason() : e.getMessage();
    return reason == null || reason.isBlank() ? "cannot read" : "cannot read (" + reason + ")";
  }

  /** {@code file + ": " + }{@link #io(Path, IOException)}. */
  public static String ioMessage(Path file, IOException e) {
    return file + ": " + io(file, e);
  }

  /**
   * What is wrong with JSON that Gson (or a tree accessor such as {@code getAsInt}) refused,
   * without Gson's text: {@code not valid JSON at line 2, column 1}, {@code expected an object,
   * found a string at $.metrics (line 1, column 14)}, or {@code expected a number, found "x"}.
   */
  public static String json(Exception e) {
    String text = messages(e);
    String where = location(text);
    String path = path(text);
    String at = (path == null ? "" : " at " + path) + (where == null ? "" : " (" + where + ")");
    Matcher m = EXPECTED.matcher(text);
    if (m.find()) {
      String wanted = m.group(1) != null ? m.group(1) + m.group(2) : token(m.group(2));
      return "expected " + wanted + ", found " + token(m.group(3)) + at;
    }
    if (has(e, com.google.gson.stream.MalformedJsonException.class)
        || has(e, java.io.EOFException.class)) {
      return "not valid JSON" + (where == null ? "" : " at " + where);
    }
    if (has(e, NumberFormatException.class)) {
      Matcher v = INPUT.matcher(text);
      return "expected a number" + (v.find() ? ", found " + v.group(1) : "") + at;
    }
    return "unexpected value" + at;
  }

  private static boolean has(Throwable e, Class<? extends Throwable> kind) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (kind.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  /** The messages of {@code e} and its causes, joined. */
  private static String messages(Throwable e) {
    StringBuilder b = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t.getMessage() != null) {
        b.append(t.getMessage()).append('\n');
      }
    }
    return b.toString();
  }

  private static String location(String text) {
    Matcher m = LOCATION.matcher(text);
    return m.find() ? "line " + m.group(1) + ", column " + m.group(2) : null;
  }

  private static String path(String text) {
    Matcher m = JSON_PATH.matcher(text);
    return m.find() ? m.group(1) : null;
  }

  private static String token(String name) {
    return TOKENS.getOrDefault(name, name.toLowerCase(Locale.ROOT));
  }
}
