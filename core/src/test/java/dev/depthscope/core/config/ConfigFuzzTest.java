package dev.depthscope.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.checkpoint.Checkpoint;
import dev.depthscope.core.checkpoint.TensorInfo;
import dev.depthscope.core.model.CheckpointAgreement;
import dev.depthscope.core.model.MemoryEstimate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzzer over {@code config.json}: every fixture's config, mutated by every class of
 * {@link ConfigMutations} (huge, negative, zero, float, string, null and missing values, garbage
 * objects, non-dividing heads, eps out of range, RoPE factors and lengths not positive, MoE top-k
 * above the experts, inconsistent MLA, wrong layer_types, 2^31-1 and 10^8 layers or experts, sizes
 * that disagree with the tensors), written beside the fixture's own safetensors (symlinked). Each
 * case must, within 2 s, either load into a config that passes an independent re-check of every
 * rule (and agrees with the checkpoint), or fail with the project's one-line {@link
 * ConfigException} naming {@code config.json} and the field (or the checkpoint tensor it disagrees
 * with). The outcome counts per class go to standard output.
 */
class ConfigFuzzTest {
  private static final long SEED = 0x5EED_C0F1L;
  private static final int PER_KIND = 32;
  private static final long CASE_MILLIS = 2_000;
  private static final long TOTAL_MILLIS = 60_000;

  @TempDir Path tmp;

  /** Every fixture folder that has a config.json, by name. */
  private static List<Path> fixtures() throws IOException {
    try (Stream<Path> dirs = Files.list(TestData.root().resolve("fixtures"))) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("config.json")))
          .map(d -> TestData.model(d.getFileName().toString()))
          .sorted()
          .toList();
    }
  }

  @Test
  void everyMutatedConfigLoadsSanelyOrFailsWithOneLineNamingTheField() throws Exception {
    List<Path> fixtures = fixtures();
    assertTrue(fixtures.size() >= 10, "fixtures: " + fixtures);
    ConfigMutations mutations = new ConfigMutations(SEED);
    List<ConfigMutations.Kind> schedule = mutations.schedule(PER_KIND);
    assertTrue(schedule.size() >= 500, "cases: " + schedule.size());
    Map<String, int[]> counts = new TreeMap<>(); // kind -> {accepted, rejected, disagreed}
    List<String> failures = new ArrayList<>();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    long start = System.nanoTime();
    try {
      for (int i = 0; i < schedule.size(); i++) {
        ConfigMutations.Kind kind = schedule.get(i);
        List<Path> fitting =
            fixtures.stream()
                .filter(d -> ConfigMutations.fits(kind, config(d).get("model_type").getAsString()))
                .toList();
        Path fixture = fitting.get(i % fitting.size());
        JsonObject base = config(fixture);
        ConfigMutations.Mutation m = mutations.mutate(kind, base);
        Path dir = caseDir(i, fixture, m.json());
        String what = fixture.getFileName() + " " + m.kind() + " " + m.field();
        Future<Outcome> f = pool.submit(() -> run(dir));
        Outcome o;
        try {
          o = f.get(CASE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          f.cancel(true);
          failures.add(what + ": took over " + CASE_MILLIS + " ms");
          continue;
        }
        int[] c = counts.computeIfAbsent(m.kind().name(), k -> new int[3]);
        String problem = o.problem(dir.resolve("config.json"), m.field());
        if (problem != null) {
          failures.add(what + ": " + problem);
        }
        c[o.error == null ? 0 : o.error.getMessage().contains("checkpoint") ? 2 : 1]++;
      }
    } finally {
      pool.shutdownNow();
    }
    long millis = (System.nanoTime() - start) / 1_000_000;
    System.out.printf("config fuzz: %d cases in %d ms (seed %#x)%n", schedule.size(), millis, SEED);
    System.out.printf("  %-28s %8s %8s %10s%n", "class", "accepted", "rejected", "vs tensors");
    counts.forEach((k, c) -> System.out.printf("  %-28s %8d %8d %10d%n", k, c[0], c[1], c[2]));
    assertEquals(List.of(), failures);
    assertTrue(millis < TOTAL_MILLIS, "took " + millis + " ms");
    for (ConfigMutations.Kind k : ConfigMutations.Kind.values()) {
      assertEquals(PER_KIND, Arrays.stream(counts.get(k.name())).sum(), k.name());
    }
    // These classes break a rule every family reads, so none may be accepted.
    for (String k :
        List.of(
            "EPS_OUT_OF_RANGE",
            "ROPE_FACTOR_NOT_POSITIVE",
            "ROPE_THETA_NOT_POSITIVE",
            "YARN_ORIGINAL_NOT_POSITIVE",
            "EXTREME_LAYERS_OR_EXPERTS",
            "MOE_TOPK_ABOVE_EXPERTS",
            "LAYER_TYPES_WRONG",
            "NON_DIVIDING_HEADS")) {
      assertEquals(0, counts.get(k)[0], k + " accepted");
    }
  }

  private static JsonObject config(Path fixture) {
    try {
      return JsonParser.parseString(Files.readString(fixture.resolve("config.json")))
          .getAsJsonObject();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Path caseDir(int i, Path fixture, JsonObject config) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("case" + i));
    Files.writeString(dir.resolve("config.json"), config.toString());
    try (Stream<Path> files = Files.list(fixture)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".safetensors") || name.equals(Checkpoint.INDEX_FILE)) {
          Files.createSymbolicLink(dir.resolve(name), f.toAbsolutePath());
        }
      }
    }
    return dir;
  }

  /** Loads the config and checks it against the checkpoint; any other exception is a bug. */
  private static Outcome run(Path dir) {
    ModelConfig c;
    try {
      c = ModelConfig.load(dir);
    } catch (ConfigException e) {
      return new Outcome(null, e, null);
    }
    try (Checkpoint ckpt = Checkpoint.open(dir)) {
      try {
        CheckpointAgreement.check(c, ckpt);
      } catch (ConfigException e) {
        return new Outcome(null, e, null);
      }
      return new Outcome(c, null, Sanity.problem(c, ckpt));
    } catch (RuntimeException e) {
      return new Outcome(null, null, "unexpected " + e);
    }
  }

  /** What one case produced: a config, a config error, or a problem. */
  private record Outcome(ModelConfig config, ConfigException error, String insane) {
    String problem(Path file, String field) {
      if (insane != null) {
        return insane;
      }
      if (error == null) {
        return null;
      }
      String msg = error.getMessage();
      String leaf = field.substring(field.lastIndexOf('.') + 1);
      if (msg.contains("\n") || msg.contains("\r")) {
        return "message is not one line: " + msg;
      }
      if (!msg.startsWith(file.toString())) {
        return "message does not start with " + file + ": " + msg;
      }
      if (!msg.contains(leaf) && !msg.contains("checkpoint")) {
        return "message names neither " + leaf + " nor the checkpoint: " + msg;
      }
      return null;
    }
  }

  /** An independent re-check of an accepted config, with the limits written out again. */
  private static final class Sanity {
    static String problem(ModelConfig c, Checkpoint ckpt) {
      List<String> p = new ArrayList<>();
      within(p, "layers", c.numLayers(), 1, 1024);
      within(p, "hidden", c.hiddenSize(), 1, 65536);
      within(p, "intermediate", c.intermediateSize(), 1, 1 << 20);
      within(p, "heads", c.numHeads(), 1, 1024);
      within(p, "kv heads", c.numKvHeads(), 1, c.numHeads());
      within(p, "head_dim", c.headDim(), 2, 1024);
      within(p, "vocab", c.vocabSize(), 1, 1 << 22);
      within(p, "positions", c.maxPositionEmbeddings(), 1, 1 << 24);
      check(p, c.numHeads() % c.numKvHeads() == 0, "kv heads do not divide heads");
      check(p, c.headDim() % 2 == 0, "odd head_dim");
      check(p, c.rmsNormEps() > 0 && c.rmsNormEps() < 1, "eps " + c.rmsNormEps());
      RopeConfig r = c.rope();
      check(p, r.theta() > 0 && Double.isFinite(r.theta()), "theta " + r.theta());
      check(p, r.factor() > 0 && Double.isFinite(r.factor()), "factor " + r.factor());
      check(p, r.partialRotaryFactor() > 0 && r.partialRotaryFactor() <= 1, "partial");
      if (r.type().equals("yarn") || r.type().equals("llama3")) {
        within(p, "original", r.originalMaxPositions(), 1, 1 << 24);
      }
      check(p, c.slidingWindows().length == c.numLayers(), "windows length");
      for (int w : c.slidingWindows()) {
        within(p, "window", w, 0, 1 << 24);
      }
      MoeConfig m = c.moe();
      if (m != null) {
        within(p, "experts", m.numExperts(), 1, 4096);
        within(p, "top-k", m.topK(), 1, m.numExperts());
        within(p, "expert width", m.expertIntermediateSize(), 1, 1 << 20);
        check(p, m.router().scalingFactor() > 0, "scaling");
        for (int l : m.moeLayers()) {
          within(p, "moe layer", l, 0, c.numLayers() - 1);
        }
      }
      MlaConfig a = c.mla();
      if (a != null) {
        check(p, a.qkRopeHeadDim() == c.headDim(), "MLA rope dim is not head_dim");
        within(p, "kv_lora_rank", a.kvLoraRank(), 1, 65536);
        within(p, "v_head_dim", a.vHeadDim(), 1, 1024);
      }
      long params = c.parameterCount();
      check(p, params > 0 && params <= (1L << 52), "parameters " + params);
      check(p, c.activeParameterCount() <= params, "active > total");
      MemoryEstimate.of(c, 1, 512);
      TensorInfo embed = ckpt.tensors().get("model.embed_tokens.weight");
      if (embed != null) {
        check(
            p,
            Arrays.equals(embed.shape(), new long[] {c.vocabSize(), c.hiddenSize()}),
            "embed shape " + embed.shapeText());
      }
      for (int l = 0; l < c.numLayers(); l++) {
        String prefix = "model.layers." + l + ".";
        check(
            p,
            ckpt.tensors().keySet().stream().anyMatch(n -> n.startsWith(prefix)),
            "no tensors for layer " + l);
      }
      return p.isEmpty() ? null : "accepted but " + p;
    }

    private static void within(List<String> p, String what, long v, long lo, long hi) {
      check(p, v >= lo && v <= hi, what + " " + v + " outside " + lo + ".." + hi);
    }

    private static void check(List<String> p, boolean ok, String what) {
      if (!ok) {
        p.add(what);
      }
    }
  }

  @Test
  void unmutatedFixturesLoadAndAgreeWithTheirCheckpoints() throws Exception {
    for (Path fixture : fixtures()) {
      Outcome o = run(fixture);
      if (o.error != null || o.insane != null) {
        fail(fixture + ": " + (o.error != null ? o.error.getMessage() : o.insane));
      }
    }
  }
}
