package dev.depthscope.core.checkpoint;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random JSON text for the fuzzer's garbage fields: numbers of every form, strings with escapes,
 * literals, and small arrays and objects whose keys come from a tiny alphabet, so that repeated
 * keys turn up by chance.
 */
final class FuzzJson {
  private static final String[] NUMBERS = {"0", "7", "-3", "2.5", "6.4e1", "1E-9", "-0", "1e400"};
  private static final String[] STRINGS = {"\"\"", "\"x\"", "\"\\u00e9\\n\"", "\"\\ud83d\\ude00\""};
  private static final String[] LITERALS = {"true", "false", "null"};
  private static final String[] KEYS = {"a", "b", "c", "dtype"};

  private FuzzJson() {}

  /** A random value nested at most a few levels below {@code depth}. */
  static String value(Random r, int depth) {
    int kind = r.nextInt(depth >= 4 ? 3 : 5);
    switch (kind) {
      case 0:
        return NUMBERS[r.nextInt(NUMBERS.length)];
      case 1:
        return STRINGS[r.nextInt(STRINGS.length)];
      case 2:
        return LITERALS[r.nextInt(LITERALS.length)];
      case 3:
        {
          List<String> items = new ArrayList<>();
          for (int i = r.nextInt(4); i > 0; i--) {
            items.add(value(r, depth + 1));
          }
          return "[" + String.join(",", items) + "]";
        }
      default:
        {
          List<String> members = new ArrayList<>();
          for (int i = r.nextInt(4); i > 0; i--) {
            members.add("\"" + KEYS[r.nextInt(KEYS.length)] + "\":" + value(r, depth + 1));
          }
          return "{" + String.join(",", members) + "}";
        }
    }
  }

  /** Arrays or objects nested exactly {@code levels} deep. */
  static String nested(Random r, int levels) {
    StringBuilder open = new StringBuilder();
    StringBuilder close = new StringBuilder();
    for (int i = 0; i < levels; i++) {
      if (r.nextBoolean()) {
        open.append('[');
        close.insert(0, ']');
      } else {
        open.append("{\"k\":");
        close.insert(0, '}');
      }
    }
    return open.append("0").append(close).toString();
  }
}
