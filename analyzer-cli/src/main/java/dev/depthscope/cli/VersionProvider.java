package dev.depthscope.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * Reports depthscope's version: the pom's {@code project.version}, which the build writes into the
 * {@code version.properties} resource beside this class (so a build from the classes folder and the
 * packaged jar report the same).
 */
final class VersionProvider implements CommandLine.IVersionProvider {
  /** The resource the build fills in. */
  static final String RESOURCE = "version.properties";

  @Override
  public String[] getVersion() {
    return new String[] {"depthscope " + version(), "Java " + System.getProperty("java.version")};
  }

  /** The version the build recorded. */
  static String version() {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the build");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
    String v = p.getProperty("version");
    if (v == null || v.isBlank() || v.contains("${")) {
      throw new IllegalStateException(RESOURCE + " was not filled in by the build: " + v);
    }
    return v;
  }
}
