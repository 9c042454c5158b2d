package dev.depthscope.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolution of a directory or {@code org/name} against a fake Hugging Face cache. */
class ModelLocatorTest {
  @TempDir Path tmp;

  /** Creates {@code hub/models--org--name/snapshots/<rev>/config.json} and returns the snapshot. */
  private static Path snapshot(Path hub, String repoId, String rev) throws IOException {
    Path snap =
        hub.resolve("models--" + repoId.replace("/", "--")).resolve("snapshots").resolve(rev);
    Files.createDirectories(snap);
    Files.writeString(snap.resolve("config.json"), "{}");
    return snap;
  }

  private static void refMain(Path hub, String repoId, String content) throws IOException {
    Path refs = hub.resolve("models--" + repoId.replace("/", "--")).resolve("refs");
    Files.createDirectories(refs);
    Files.writeString(refs.resolve("main"), content);
  }

  private static void age(Path p, long millisAgo) throws IOException {
    Files.setLastModifiedTime(p, FileTime.fromMillis(System.currentTimeMillis() - millisAgo));
  }

  @Test
  void defaultCacheIsUnderTheHomeDirectory() throws IOException {
    Path home = tmp.resolve("home");
    Path hub = home.resolve(".cache/huggingface/hub");
    Path snap = snapshot(hub, "org/name", "abc123");
    refMain(hub, "org/name", "abc123\n");
    ModelLocator locator = new ModelLocator(Map.of(), home);
    assertEquals(hub, locator.hubCache());
    assertEquals(snap, locator.resolve("org/name"));
  }

  @Test
  void hfHomeReplacesTheDefaultCache() throws IOException {
    Path home = tmp.resolve("home");
    Path hfHome = tmp.resolve("hf");
    snapshot(home.resolve(".cache/huggingface/hub"), "org/name", "wrong");
    Path snap = snapshot(hfHome.resolve("hub"), "org/name", "right");
    ModelLocator locator = new ModelLocator(Map.of("HF_HOME", hfHome.toString()), home);
    assertEquals(hfHome.resolve("hub"), locator.hubCache());
    assertEquals(snap, locator.resolve("org/name"));
  }

  @Test
  void hfHubCacheWinsOverHfHome() throws IOException {
    Path hfHome = tmp.resolve("hf");
    Path hubCache = tmp.resolve("elsewhere");
    snapshot(hfHome.resolve("hub"), "org/name", "wrong");
    Path snap = snapshot(hubCache, "org/name", "right");
    ModelLocator locator =
        new ModelLocator(
            Map.of("HF_HOME", hfHome.toString(), "HF_HUB_CACHE", hubCache.toString()),
            tmp.resolve("home"));
    assertEquals(hubCache, locator.hubCache());
    assertEquals(snap, locator.resolve("org/name"));
  }

  @Test
  void blankVariablesAreIgnored() {
    Path home = tmp.resolve("home");
    ModelLocator locator =
        new ModelLocator(Map.of("HF_HOME", " ", "HF_HUB_CACHE", "", "XDG_CACHE_HOME", ""), home);
    assertEquals(home.resolve(".cache/huggingface/hub"), locator.hubCache());
  }

  @Test
  void xdgCacheHomeMovesTheDefaultHfHomeLikeHuggingfaceHubDoes() {
    Path xdg = tmp.resolve("xdg");
    assertEquals(
        xdg.resolve("huggingface/hub"),
        new ModelLocator(Map.of("XDG_CACHE_HOME", xdg.toString()), tmp).hubCache());
    Path hfHome = tmp.resolve("hf");
    assertEquals(
        hfHome.resolve("hub"),
        new ModelLocator(
                Map.of("XDG_CACHE_HOME", xdg.toString(), "HF_HOME", hfHome.toString()), tmp)
            .hubCache());
  }

  @Test
  void legacyHuggingfaceHubCacheIsHonouredBelowHfHubCache() {
    Path legacy = tmp.resolve("legacy");
    assertEquals(
        legacy,
        new ModelLocator(Map.of("HUGGINGFACE_HUB_CACHE", legacy.toString()), tmp).hubCache());
    Path hub = tmp.resolve("hub");
    assertEquals(
        hub,
        new ModelLocator(
                Map.of("HUGGINGFACE_HUB_CACHE", legacy.toString(), "HF_HUB_CACHE", hub.toString()),
                tmp)
            .hubCache());
  }

  @Test
  void refsMainChoosesTheSnapshotEvenWhenAnotherIsNewer() throws IOException {
    Path hub = tmp.resolve("hub");
    Path pinned = snapshot(hub, "org/name", "aaa");
    Path newer = snapshot(hub, "org/name", "bbb");
    age(pinned, 100_000);
    age(newer, 0);
    refMain(hub, "org/name", "aaa");
    ModelLocator locator = new ModelLocator(Map.of("HF_HUB_CACHE", hub.toString()), tmp);
    assertEquals(pinned, locator.resolve("org/name"));
  }

  @Test
  void withoutAUsableRefTheNewestSnapshotIsUsed() throws IOException {
    Path hub = tmp.resolve("hub");
    Path old = snapshot(hub, "org/name", "old");
    Path fresh = snapshot(hub, "org/name", "fresh");
    age(old, 100_000);
    age(fresh, 1_000);
    ModelLocator locator = new ModelLocator(Map.of("HF_HUB_CACHE", hub.toString()), tmp);
    assertEquals(fresh, locator.resolve("org/name"), "no refs/main");
    refMain(hub, "org/name", "gone");
    assertEquals(fresh, locator.resolve("org/name"), "refs/main names a missing snapshot");
    for (String bad : new String[] {"", "  \n", ".", "..", "../snapshots/old", "/etc"}) {
      refMain(hub, "org/name", bad);
      assertEquals(fresh, locator.resolve("org/name"), "refs/main holds \"" + bad + "\"");
    }
  }

  @Test
  void missingModelSaysWhereItLookedAndThatItNeverDownloads() {
    Path hub = tmp.resolve("hub");
    ModelLocator locator = new ModelLocator(Map.of("HF_HUB_CACHE", hub.toString()), tmp);
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> locator.resolve("meta-llama/Llama-3.2-1B"));
    String m = e.getMessage();
    assertTrue(m.startsWith("meta-llama/Llama-3.2-1B"), m);
    assertTrue(m.contains("never downloads"), m);
    assertTrue(m.contains(hub.resolve("models--meta-llama--Llama-3.2-1B").toString()), m);
    assertTrue(m.contains("huggingface-cli download meta-llama/Llama-3.2-1B"), m);
  }

  @Test
  void cachedRepoWithoutSnapshotsIsReported() throws IOException {
    Path hub = tmp.resolve("hub");
    Files.createDirectories(hub.resolve("models--org--name/snapshots"));
    ModelLocator locator = new ModelLocator(Map.of("HF_HUB_CACHE", hub.toString()), tmp);
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> locator.resolve("org/name"));
    assertTrue(e.getMessage().contains("holds no snapshot"), e.getMessage());
  }

  @Test
  void snapshotWithoutConfigIsReported() throws IOException {
    Path hub = tmp.resolve("hub");
    Path snap = snapshot(hub, "org/name", "r1");
    Files.delete(snap.resolve("config.json"));
    ModelLocator locator = new ModelLocator(Map.of("HF_HUB_CACHE", hub.toString()), tmp);
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> locator.resolve("org/name"));
    assertTrue(e.getMessage().contains(snap + ": no config.json"), e.getMessage());
  }

  @Test
  void plainDirectoryIsReturnedAsGivenWithoutConsultingTheCache() throws IOException {
    Path model = tmp.resolve("org/name");
    Files.createDirectories(model);
    Files.writeString(model.resolve("config.json"), "{}");
    // A cache entry of the same name must not win over an existing directory.
    Path hub = tmp.resolve("hub");
    snapshot(hub, "org/name", "cached");
    ModelLocator locator = new ModelLocator(Map.of("HF_HUB_CACHE", hub.toString()), tmp);
    assertEquals(model, locator.resolve(model.toString()));
  }

  @Test
  void directoryWithoutConfigIsNotAModel() throws IOException {
    Path d = Files.createDirectories(tmp.resolve("weights-only"));
    CheckpointException e =
        assertThrows(
            CheckpointException.class, () -> new ModelLocator(Map.of(), tmp).resolve(d.toString()));
    assertTrue(e.getMessage().contains(d + ": no config.json"), e.getMessage());
  }

  @Test
  void somethingThatIsNeitherADirectoryNorARepoIdIsReported() {
    ModelLocator locator = new ModelLocator(Map.of("HF_HUB_CACHE", tmp.toString()), tmp);
    for (String spec : new String[] {"no-slash", "a/b/c", tmp.resolve("missing/dir").toString()}) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> locator.resolve(spec));
      assertTrue(e.getMessage().startsWith(spec + ": no such directory"), e.getMessage());
    }
  }

  private static final String HASH_A = "a".repeat(40);
  private static final String HASH_B = "b".repeat(40);

  @Test
  void aCacheModelIsNamedOrgSlashNameNotByItsRevision() throws IOException {
    Path hub = tmp.resolve("hub");
    Path snap = snapshot(hub, "acme/tiny", HASH_A);
    ModelLocator locator = new ModelLocator(Map.of("HF_HUB_CACHE", hub.toString()), tmp);
    ModelLocator.Located m = locator.locate("acme/tiny", null);
    assertEquals(snap, m.dir());
    assertEquals("acme/tiny", m.name());
    assertEquals("tiny", m.shortName());
  }

  @Test
  void aDirectoryIsNamedAfterItsFolder() throws IOException {
    Path model = Files.createDirectories(tmp.resolve("models/my-model"));
    Files.writeString(model.resolve("config.json"), "{}");
    ModelLocator.Located m = new ModelLocator(Map.of(), tmp).locate(model + "/", null);
    assertEquals("my-model", m.name());
    assertEquals("my-model", m.shortName());
  }

  @Test
  void revisionPicksASnapshotByCommitHashOrRefName() throws IOException {
    Path hub = tmp.resolve("hub");
    Path a = snapshot(hub, "acme/tiny", HASH_A);
    Path b = snapshot(hub, "acme/tiny", HASH_B);
    refMain(hub, "acme/tiny", HASH_A);
    Path refs = hub.resolve("models--acme--tiny/refs");
    Files.createDirectories(refs.resolve("pr"));
    Files.writeString(refs.resolve("pr/1"), HASH_B + "\n");
    ModelLocator locator = new ModelLocator(Map.of("HF_HUB_CACHE", hub.toString()), tmp);
    assertEquals(a, locator.locate("acme/tiny", null).dir(), "refs/main by default");
    assertEquals(b, locator.locate("acme/tiny", HASH_B).dir(), "a commit hash");
    assertEquals(a, locator.locate("acme/tiny", "main").dir(), "a ref name");
    assertEquals(b, locator.locate("acme/tiny", "pr/1").dir(), "a nested ref name");
    assertEquals("acme/tiny", locator.locate("acme/tiny", HASH_B).name());
  }

  @Test
  void anUnknownRevisionListsTheSnapshotsAndRefsPresent() throws IOException {
    Path hub = tmp.resolve("hub");
    snapshot(hub, "acme/tiny", HASH_A);
    snapshot(hub, "acme/tiny", HASH_B);
    refMain(hub, "acme/tiny", HASH_A);
    ModelLocator locator = new ModelLocator(Map.of("HF_HUB_CACHE", hub.toString()), tmp);
    for (String rev : new String[] {"v2", "c".repeat(40), "../snapshots", "main/.."}) {
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> locator.locate("acme/tiny", rev));
      String m = e.getMessage();
      assertTrue(m.startsWith("acme/tiny: no snapshot for revision \"" + rev + "\""), m);
      assertTrue(m.contains("snapshots: " + HASH_A + ", " + HASH_B), m);
      assertTrue(m.contains("refs: main"), m);
    }
  }

  @Test
  void aRevisionIsRefusedForADirectory() throws IOException {
    Path model = Files.createDirectories(tmp.resolve("m"));
    Files.writeString(model.resolve("config.json"), "{}");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new ModelLocator(Map.of(), tmp).locate(model.toString(), "main"));
    assertTrue(
        e.getMessage().startsWith("--revision picks a snapshot of an org/name"), e.getMessage());
    assertTrue(e.getMessage().contains(model + " is a directory"), e.getMessage());
  }

  @Test
  void anExistingFileIsNotADirectoryRatherThanMissing() throws IOException {
    Path file = Files.writeString(tmp.resolve("config.json"), "{}");
    CheckpointException e =
        assertThrows(
            CheckpointException.class,
            () -> new ModelLocator(Map.of(), tmp).resolve(file.toString()));
    assertEquals(
        file + ": not a directory; expected a model directory holding config.json", e.getMessage());
  }
}
