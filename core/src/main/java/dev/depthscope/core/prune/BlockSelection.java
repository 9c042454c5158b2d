package dev.depthscope.core.prune;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The blocks to remove, parsed from a list like {@code 3,7,12-15} (0-based, ranges inclusive, any
 * order; repeats are an error).
 */
public final class BlockSelection {
  private BlockSelection() {}

  /** The blocks of {@code spec}, ascending, checked against a model of {@code layers} blocks. */
  public static List<Integer> parse(String spec, int layers) {
    TreeSet<Integer> blocks = new TreeSet<>();
    for (String part : spec.split(",", -1)) {
      String p = part.strip();
      int dash = p.indexOf('-', 1);
      int from;
      int to;
      try {
        from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).strip());
        to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--drop: \"" + p + "\" is not a block or a range like 12-15 (in \"" + spec + "\")");
      }
      if (from > to) {
        throw new IllegalArgumentException("--drop: range " + p + " runs backwards");
      }
      for (int b = from; b <= to; b++) {
        if (!blocks.add(b)) {
          throw new IllegalArgumentException("--drop: block " + b + " is listed twice");
        }
      }
    }
    return check(new ArrayList<>(blocks), layers);
  }

  /** {@code blocks} (ascending) if each is a block of the model and at least one block is left. */
  public static List<Integer> check(List<Integer> blocks, int layers) {
    if (blocks.isEmpty()) {
      throw new IllegalArgumentException("no block to remove");
    }
    for (int b : blocks) {
      if (b < 0 || b >= layers) {
        throw new IllegalArgumentException(
            "block " + b + " does not exist: the model has blocks 0.." + (layers - 1));
      }
    }
    if (blocks.size() >= layers) {
      throw new IllegalArgumentException(
          "removing all " + layers + " blocks leaves no model; keep at least one");
    }
    return List.copyOf(blocks);
  }
}
