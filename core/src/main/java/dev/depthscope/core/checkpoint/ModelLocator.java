package dev.depthscope.core.checkpoint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns what a user typed into a model directory: an existing directory as given, or {@code
 * org/name} looked up in the local Hugging Face cache ({@code
 * $HF_HOME/hub/models--org--name/snapshots/<revision>/}, {@code HF_HOME} defaulting to {@code
 * $XDG_CACHE_HOME/huggingface} or {@code ~/.cache/huggingface}, {@code HF_HUB_CACHE} or the older
 * {@code HUGGINGFACE_HUB_CACHE} overriding the hub folder, as {@code huggingface_hub} resolves
 * them). Nothing is downloaded.
 */
public final class ModelLocator {
  private static final Pattern REPO_ID = Pattern.compile("[\\w.-]+/[\\w.-]+");
  private static final Pattern REVISION = Pattern.compile("[\\w.-]+");

  private final Map<String, String> env;
  private final Path home;

  /** A locator reading the process environment and {@code user.home}. */
  public ModelLocator() {
    this(System.getenv(), Path.of(System.getProperty("user.home")));
  }

  /** A locator with an explicit environment and home directory (for tests). */
  public ModelLocator(Map<String, String> env, Path home) {
    this.env = Map.copyOf(env);
    this.home = home;
  }

  /** The hub cache folder this locator searches. */
  public Path hubCache() {
    String hub = firstSet("HF_HUB_CACHE", "HUGGINGFACE_HUB_CACHE");
    if (hub != null) {
      return Path.of(hub);
    }
    String hfHome = firstSet("HF_HOME");
    if (hfHome != null) {
      return Path.of(hfHome).resolve("hub");
    }
    String xdg = firstSet("XDG_CACHE_HOME");
    Path cache = xdg != null ? Path.of(xdg) : home.resolve(".cache");
    return cache.resolve("huggingface").resolve("hub");
  }

  /** The value of the first of {@code names} that is set and not blank, else null. */
  private String firstSet(String... names) {
    for (String n : names) {
      String v = env.get(n);
      if (v != null && !v.isBlank()) {
        return v;
      }
    }
    return null;
  }

  /**
   * Resolves {@code spec} to a directory holding {@code config.json}.
   *
   * @throws CheckpointException saying where it looked when nothing fits
   */
  public Path resolve(String spec) {
    Path asPath = Path.of(spec);
    if (Files.isDirectory(asPath)) {
      return requireConfig(asPath);
    }
    if (!REPO_ID.matcher(spec).matches()) {
      throw new CheckpointException(
          spec + ": no such directory (and not an org/name of the Hugging Face cache)");
    }
    String[] parts = spec.split("/");
    Path repo = hubCache().resolve("models--" + parts[0] + "--" + parts[1]);
    Path snapshots = repo.resolve("snapshots");
    if (!Files.isDirectory(snapshots)) {
      throw new CheckpointException(
          spec
              + ": not a directory, and not in the local Hugging Face cache (looked for "
              + snapshots
              + "; depthscope never downloads: fetch it with `huggingface-cli download "
              + spec
              + "` or pass a directory)");
    }
    return requireConfig(pickSnapshot(spec, repo, snapshots));
  }

  private static Path pickSnapshot(String spec, Path repo, Path snapshots) {
    Path ref = repo.resolve("refs").resolve("main");
    try {
      if (Files.isRegularFile(ref)) {
        // A ref holds a commit hash. Anything that is not one plain name (empty, ".", "..", a
        // path) would resolve to the snapshots folder itself or outside it, so fall back instead.
        String rev = Files.readString(ref).trim();
        if (REVISION.matcher(rev).matches() && !rev.equals(".") && !rev.equals("..")) {
          Path p = snapshots.resolve(rev);
          if (Files.isDirectory(p)) {
            return p;
          }
        }
      }
      List<Path> all;
      try (Stream<Path> s = Files.list(snapshots)) {
        all = s.filter(Files::isDirectory).toList();
      }
      if (all.isEmpty()) {
        throw new CheckpointException(spec + ": " + snapshots + " holds no snapshot");
      }
      return all.stream().max(Comparator.comparing(ModelLocator::modified)).orElseThrow();
    } catch (IOException e) {
      throw new CheckpointException(spec + ": cannot read " + snapshots + ": " + e.getMessage(), e);
    }
  }

  private static long modified(Path p) {
    try {
      return Files.getLastModifiedTime(p).toMillis();
    } catch (IOException e) {
      return 0;
    }
  }

  private static Path requireConfig(Path dir) {
    if (!Files.isRegularFile(dir.resolve("config.json"))) {
      throw new CheckpointException(dir + ": no config.json (not a Hugging Face model directory)");
    }
    return dir;
  }
}
