package dev.depthscope.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * "Did you mean" candidates for a mistyped command or option: the visible names nearest to what was
 * typed. picocli's own suggestions only match options on their first two letters, so {@code --txt}
 * found nothing. Here a name is close when one edit per four letters typed (a letter added,
 * dropped, changed or two swapped; from three letters up) turns one into the other, else when it
 * starts with what was typed.
 */
final class Suggestions {
  private static final int MAX = 3;

  private Suggestions() {}

  /** The visible subcommands of {@code cl} near {@code typed}. */
  static List<String> commands(CommandLine cl, String typed) {
    List<String> names = new ArrayList<>();
    cl.getSubcommands()
        .forEach(
            (name, sub) -> {
              if (!sub.getCommandSpec().usageMessage().hidden()) {
                names.add(name);
              }
            });
    return nearest(typed, names);
  }

  /** The visible options of {@code spec} near {@code typed} (an {@code =value} part is ignored). */
  static List<String> options(CommandSpec spec, String typed) {
    List<String> names = new ArrayList<>();
    for (OptionSpec o : spec.options()) {
      if (!o.hidden()) {
        names.addAll(List.of(o.names()));
      }
    }
    int eq = typed.indexOf('=');
    return nearest(eq > 0 ? typed.substring(0, eq) : typed, names);
  }

  /**
   * The names nearest to {@code typed}: those at the smallest edit distance when it is within the
   * allowance, else those starting with {@code typed}; at most three, in order.
   */
  static List<String> nearest(String typed, Collection<String> names) {
    String t = bare(typed);
    int allowed = t.length() < 3 ? 0 : Math.max(1, t.length() / 4);
    int best = Integer.MAX_VALUE;
    TreeSet<String> closest = new TreeSet<>();
    TreeSet<String> prefixed = new TreeSet<>();
    for (String name : names) {
      String n = bare(name);
      int d = distance(t, n);
      if (allowed > 0 && d <= allowed && d < best) {
        best = d;
        closest.clear();
      }
      if (allowed > 0 && d <= allowed && d == best) {
        closest.add(name);
      }
      if (t.length() >= 2 && n.startsWith(t) && dashes(typed) == dashes(name)) {
        prefixed.add(name);
      }
    }
    List<String> out = new ArrayList<>(closest.isEmpty() ? prefixed : closest);
    return out.subList(0, Math.min(MAX, out.size()));
  }

  /** {@code (did you mean 'a'?)}, {@code (did you mean 'a' or 'b'?)}, or "" for none. */
  static String phrase(List<String> names) {
    if (names.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder(" (did you mean ");
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        b.append(i == names.size() - 1 ? " or " : ", ");
      }
      b.append('\'').append(names.get(i)).append('\'');
    }
    return b.append("?)").toString();
  }

  private static String bare(String name) {
    return name.substring(dashes(name)).toLowerCase(Locale.ROOT);
  }

  private static int dashes(String name) {
    int i = 0;
    while (i < name.length() && name.charAt(i) == '-') {
      i++;
    }
    return i;
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, transpositions. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
