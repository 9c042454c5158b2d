package dev.depthscope.core;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Locates the repository's own test data, {@code testdata/} at the repo root (checkpoints,
 * tokenizers, reference outputs; see {@code testdata/README.md} for where each item came from). The
 * tests read nothing else, so they pass on a fresh clone with nothing beside it.
 *
 * <p>Large text and tokenizer files are committed gzip-compressed as {@code NAME.gz}. Asking for an
 * item that holds such files (or for {@code NAME} itself) returns an unpacked copy under the
 * module's build directory ({@code target/testdata-unpacked}, made once and refreshed when the
 * compressed file is newer), so callers always see the plain layout a user's model directory has.
 * Items without compressed files are returned in place. A missing item fails the test: nothing is
 * ever skipped for want of data.
 *
 * <p>The build passes the folder as the system property {@code depthscope.testdata} and the unpack
 * folder as {@code depthscope.testdataUnpacked}; without them the folder is found by walking up
 * from the working directory.
 */
public final class TestData {
  /** System property naming the test data folder. */
  public static final String ROOT_PROPERTY = "depthscope.testdata";

  /** System property naming the folder that unpacked copies go to. */
  public static final String UNPACKED_PROPERTY = "depthscope.testdataUnpacked";

  private static final String GZ = ".gz";

  private TestData() {}

  /** The test data folder, absolute. */
  public static Path root() {
    String configured = System.getProperty(ROOT_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      Path dir = Path.of(configured).toAbsolutePath().normalize();
      if (!Files.isRegularFile(dir.resolve("README.md"))) {
        fail("test data folder " + dir + " (-D" + ROOT_PROPERTY + ") has no README.md");
      }
      return dir;
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("testdata/README.md"))) {
        return d.resolve("testdata");
      }
    }
    return fail("no testdata/README.md above " + Path.of("").toAbsolutePath());
  }

  /**
   * A file or folder of the test data, e.g. {@code data/tokenizers/llama3} or {@code
   * data/brown-eval.txt}, in its plain (uncompressed) form.
   */
  public static Path fixture(String name) {
    Path path = root().resolve(name).normalize();
    try {
      if (Files.isDirectory(path)) {
        return hasCompressed(path) ? unpackTree(name, path) : path;
      }
      if (Files.isRegularFile(path)) {
        return path;
      }
      Path packed = path.resolveSibling(path.getFileName() + GZ);
      if (Files.isRegularFile(packed)) {
        Path out = unpackedDir().resolve(name);
        gunzipIfStale(packed, out);
        return out;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("unpacking test data " + path, e);
    }
    return fail("missing test data " + path + " (see testdata/README.md)");
  }

  /** A model checkpoint under {@code testdata/fixtures/}, e.g. {@code llama-tiny-bf16}. */
  public static Path model(String name) {
    return fixture("fixtures/" + name);
  }

  /**
   * The dense-family fixtures, for parameterized tests ({@code @MethodSource} naming this method),
   * so that every test covering "each dense family" covers the same list.
   */
  public static Stream<String> denseModels() {
    return Stream.of(
        "llama-tiny-bf16",
        "llama-tiny-sharded-fp32",
        "llama3-long-bf16",
        "mistral-tiny-fp16-swa",
        "qwen2-tiny-tied",
        "qwen3-tiny-bf16",
        "qwen3-realvocab-bf16");
  }

  /** The MoE-family fixtures (Mixtral, Qwen3-MoE, DeepSeek-V2/V3), as {@link #denseModels}. */
  public static Stream<String> moeModels() {
    return Stream.of(
        "mixtral-tiny-fp32",
        "qwen3-moe-tiny-bf16",
        "deepseek-v2-tiny-fp32",
        "deepseek-v3-tiny-bf16");
  }

  private static Path unpackedDir() {
    return Path.of(System.getProperty(UNPACKED_PROPERTY, "target/testdata-unpacked"))
        .toAbsolutePath()
        .normalize();
  }

  private static boolean hasCompressed(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.anyMatch(p -> p.getFileName().toString().endsWith(GZ));
    }
  }

  /** Mirrors {@code dir} under the unpack folder: .gz files unpacked, the others copied. */
  private static synchronized Path unpackTree(String name, Path dir) throws IOException {
    Path out = unpackedDir().resolve(name);
    List<Path> files;
    try (Stream<Path> walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    for (Path file : files) {
      String rel = dir.relativize(file).toString();
      if (rel.endsWith(GZ)) {
        gunzipIfStale(file, out.resolve(rel.substring(0, rel.length() - GZ.length())));
      } else {
        copyIfStale(file, out.resolve(rel));
      }
    }
    return out;
  }

  private static boolean stale(Path source, Path target) throws IOException {
    return !Files.isRegularFile(target)
        || Files.getLastModifiedTime(target).compareTo(Files.getLastModifiedTime(source)) < 0;
  }

  private static void copyIfStale(Path source, Path target) throws IOException {
    if (stale(source, target)) {
      Files.createDirectories(target.getParent());
      Path tmp = Files.createTempFile(target.getParent(), ".copy", ".tmp");
      Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }

  private static void gunzipIfStale(Path source, Path target) throws IOException {
    if (stale(source, target)) {
      Files.createDirectories(target.getParent());
      // Unpack beside the target and rename, so a concurrent reader never sees half a file.
      Path tmp = Files.createTempFile(target.getParent(), ".unpack", ".tmp");
      try (InputStream in = new GZIPInputStream(Files.newInputStream(source), 1 << 16)) {
        Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
      }
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
  }
}
