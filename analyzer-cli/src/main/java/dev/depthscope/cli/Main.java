package dev.depthscope.cli;

/** Entry point of the {@code depthscope} command. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.out.println("depthscope");
  }
}
