package dev.depthscope.cli;

/** Counted nouns for console lines: "1 sequence", "4 sequences". */
final class Counts {
  private Counts() {}

  /** {@code n} and {@code noun}, with an s unless {@code n} is 1. */
  static String of(long n, String noun) {
    return n + " " + (n == 1 ? noun : noun + "s");
  }
}
