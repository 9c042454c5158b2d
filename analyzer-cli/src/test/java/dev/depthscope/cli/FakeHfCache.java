package dev.depthscope.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A Hugging Face hub cache in a temporary folder, laid out as {@code huggingface_hub} leaves it:
 * {@code models--org--name/snapshots/<hash>/} holding symbolic links to a fixture's files, and
 * {@code refs/main} naming the snapshot.
 */
final class FakeHfCache {
  private final Path hub;

  FakeHfCache(Path hub) {
    this.hub = hub;
  }

  /** The folder to point {@code HF_HUB_CACHE} at. */
  Path hub() {
    return hub;
  }

  /** The environment that makes the MODEL lookup read this cache. */
  Map<String, String> env() {
    return Map.of("HF_HUB_CACHE", hub.toString());
  }

  /**
   * Adds snapshot {@code hash} of {@code repoId} with the files of {@code fixture}; {@code main}
   * also points {@code refs/main} at it. Returns the snapshot folder.
   */
  Path add(String repoId, String hash, Path fixture, boolean main) throws IOException {
    Path repo = hub.resolve("models--" + repoId.replace("/", "--"));
    Path snap = Files.createDirectories(repo.resolve("snapshots").resolve(hash));
    List<Path> files;
    try (Stream<Path> s = Files.list(fixture)) {
      files = s.filter(Files::isRegularFile).toList();
    }
    for (Path f : files) {
      Files.createSymbolicLink(snap.resolve(f.getFileName().toString()), f.toAbsolutePath());
    }
    if (main) {
      Files.createDirectories(repo.resolve("refs"));
      Files.writeString(repo.resolve("refs/main"), hash);
    }
    return snap;
  }
}
