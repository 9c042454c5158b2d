package dev.depthscope.core.io;

import java.nio.file.Path;

/** A second process for {@link OutputSetTest}: opens an output set, says so, waits for stdin. */
final class LockHolder {
  private LockHolder() {}

  public static void main(String[] args) throws Exception {
    try (OutputSet set = OutputSet.open(Path.of(args[0]), OutputSet.Existing.REPLACE)) {
      System.out.println("locked");
      System.out.flush();
      System.in.read();
    }
  }
}
