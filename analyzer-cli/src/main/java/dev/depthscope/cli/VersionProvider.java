package dev.depthscope.cli;

import picocli.CommandLine;

/** Reports depthscope's version from the jar manifest. */
final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = Main.class.getPackage().getImplementationVersion();
    return new String[] {
      "depthscope " + (v == null ? "(development build)" : v),
      "Java " + System.getProperty("java.version")
    };
  }
}
