package dev.depthscope.core.checkpoint;

import dev.depthscope.core.io.ReadErrors;
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
  private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

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
   * A model found by {@link #locate}.
   *
   * @param dir the directory holding {@code config.json}
   * @param name what to call the model: {@code org/name} for a cache entry, else the directory's
   *     name
   */
  public record Located(Path dir, String name) {
    /** The last part of {@link #name}, usable as a folder name. */
    public String shortName() {
      return name.substring(name.lastIndexOf('/') + 1);
    }
  }

  /**
   * Resolves {@code spec} to a directory holding {@code config.json}.
   *
   * @throws CheckpointException saying where it looked when nothing fits
   */
  public Path resolve(String spec) {
    return locate(spec, null).dir();
  }

  /**
   * Finds the model {@code spec} names: an existing directory, or {@code org/name} in the cache at
   * {@code revision} (a 40-hex commit hash or a ref name under {@code refs/}, e.g. {@code main}),
   * or, with no revision, at the snapshot {@code refs/main} names, else the newest snapshot.
   *
   * @throws CheckpointException saying where it looked when nothing fits, listing the snapshots
   *     present when the revision is not among them
   * @throws IllegalArgumentException when a revision is given for a directory
   */
  public Located locate(String spec, String revision) {
    Path asPath = Path.of(spec);
    if (Files.isDirectory(asPath)) {
      if (revision != null) {
        throw new IllegalArgumentException(
            "--revision picks a snapshot of an org/name model in the Hugging Face cache; "
                + spec
                + " is a directory");
      }
      Path dir = requireConfig(asPath);
      return new Located(dir, dir.toAbsolutePath().normalize().getFileName().toString());
    }
    if (Files.exists(asPath)) {
      throw new CheckpointException(
          spec + ": not a directory; expected a model directory holding config.json");
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
              + ": no such directory, and not in the local Hugging Face cache (looked for "
              + snapshots
              + "; depthscope never downloads: fetch it with `huggingface-cli download "
              + spec
              + "` or pass a directory)");
    }
    try {
      Path snapshot =
          revision == null
              ? defaultSnapshot(spec, repo, snapshots)
              : pinnedSnapshot(spec, repo, snapshots, revision);
      return new Located(requireConfig(snapshot), spec);
    } catch (IOException e) {
      throw new CheckpointException(
          spec + ": cannot read " + snapshots + ": " + ReadErrors.io(snapshots, e), e);
    }
  }

  /** The snapshot {@code refs/main} names, else the newest. */
  private static Path defaultSnapshot(String spec, Path repo, Path snapshots) throws IOException {
    Path named = snapshotOfRef(repo, snapshots, "main");
    if (named != null) {
      return named;
    }
    List<Path> all = snapshotDirs(snapshots);
    if (all.isEmpty()) {
      throw new CheckpointException(spec + ": " + snapshots + " holds no snapshot");
    }
    return all.stream().max(Comparator.comparing(ModelLocator::modified)).orElseThrow();
  }

  /** The snapshot of commit {@code revision}, or of the ref of that name. */
  private static Path pinnedSnapshot(String spec, Path repo, Path snapshots, String revision)
      throws IOException {
    if (COMMIT.matcher(revision).matches() && Files.isDirectory(snapshots.resolve(revision))) {
      return snapshots.resolve(revision);
    }
    Path named = isRefName(revision) ? snapshotOfRef(repo, snapshots, revision) : null;
    if (named != null) {
      return named;
    }
    List<String> present =
        snapshotDirs(snapshots).stream().map(p -> p.getFileName().toString()).toList();
    throw new CheckpointException(
        spec
            + ": no snapshot for revision \""
            + revision
            + "\" in "
            + repo
            + " (snapshots: "
            + (present.isEmpty() ? "none" : String.join(", ", present))
            + "; refs: "
            + String.join(", ", refNames(repo))
            + "); --revision takes a 40-hex commit hash or a ref name such as main");
  }

  /** The snapshot folder the ref {@code name} points at, or null when there is none. */
  private static Path snapshotOfRef(Path repo, Path snapshots, String name) throws IOException {
    Path ref = repo.resolve("refs").resolve(name);
    if (!Files.isRegularFile(ref)) {
      return null;
    }
    // A ref holds a commit hash. Anything that is not one plain name (empty, ".", "..", a path)
    // would resolve to the snapshots folder itself or outside it, so it counts as no ref.
    String rev = Files.readString(ref).trim();
    if (!REVISION.matcher(rev).matches() || rev.equals(".") || rev.equals("..")) {
      return null;
    }
    Path p = snapshots.resolve(rev);
    return Files.isDirectory(p) ? p : null;
  }

  /** Whether {@code name} is a relative ref path of plain segments (main, pr/1). */
  private static boolean isRefName(String name) {
    for (String part : name.split("/", -1)) {
      if (!REVISION.matcher(part).matches() || part.equals(".") || part.equals("..")) {
        return false;
      }
    }
    return true;
  }

  private static List<Path> snapshotDirs(Path snapshots) throws IOException {
    try (Stream<Path> s = Files.list(snapshots)) {
      return s.filter(Files::isDirectory).sorted().toList();
    }
  }

  /** The refs of the cache entry ({@code main}, {@code pr/1}, ...), or {@code none}. */
  private static List<String> refNames(Path repo) throws IOException {
    Path refs = repo.resolve("refs");
    if (!Files.isDirectory(refs)) {
      return List.of("none");
    }
    try (Stream<Path> s = Files.walk(refs)) {
      List<String> names =
          s.filter(Files::isRegularFile)
              .map(p -> refs.relativize(p).toString().replace('\\', '/'))
              .sorted()
              .toList();
      return names.isEmpty() ? List.of("none") : names;
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
