package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.Trace;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The peer-named metrics, from our own forward pass, match the peers' formulas (ShortGPT, PruneMe,
 * Gromov et al.) evaluated by {@code testdata/peers/make_reference.py} on the Hugging Face
 * transformers hidden states, within 1e-5 relative, on both trained 24-layer models and two dense
 * fixtures.
 */
class PeerMetricsReferenceTest {
  private static final double REL = 1e-5;

  static JsonObject reference(String file) throws IOException {
    Path path = TestData.fixture("peers/" + file + ".json");
    return JsonParser.parseString(Files.readString(path)).getAsJsonObject();
  }

  static long[][] ids(JsonObject ref) {
    JsonArray rows = ref.getAsJsonArray("input_ids");
    long[][] ids = new long[rows.size()][];
    for (int r = 0; r < ids.length; r++) {
      JsonArray row = rows.get(r).getAsJsonArray();
      ids[r] = new long[row.size()];
      for (int t = 0; t < ids[r].length; t++) {
        ids[r][t] = row.get(t).getAsLong();
      }
    }
    return ids;
  }

  /** Feeds a trace's states to PeerMetrics as two batches (rows split in halves). */
  static PeerMetrics.Values fromTrace(CausalLm lm, Trace t) {
    int first = (t.batch() + 1) / 2;
    int[] rows = t.batch() > 1 ? new int[] {first, t.batch() - first} : new int[] {1};
    int[] lens = new int[rows.length];
    Arrays.fill(lens, t.seqLen());
    PeerMetrics pm = new PeerMetrics(t.layers(), t.hidden(), rows, lens, lm::finalNorm);
    int per = t.seqLen() * t.hidden();
    for (int l = 0; l <= t.layers(); l++) {
      int offset = 0;
      for (int b = 0; b < rows.length; b++) {
        float[] part =
            Arrays.copyOfRange(t.hiddenStates()[l], offset * per, (offset + rows[b]) * per);
        pm.observe(b, l, part);
        offset += rows[b];
      }
    }
    return pm.values();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "fixtures/llama-tiny-bf16",
        "fixtures/qwen2-tiny-tied",
        "trained/llama-24L-brown-pre",
        "trained/llama-24L-brown-lns"
      })
  void peerNamedMetricsMatchThePeersFormulas(String name) throws IOException {
    JsonObject ref = reference(name.substring(name.indexOf('/') + 1));
    long[][] ids = ids(ref);
    PeerMetrics.Values v;
    try (CausalLm lm = CausalLm.open(TestData.fixture(name))) {
      v = fromTrace(lm, lm.trace(ids));
    }
    assertEquals(ref.get("positions").getAsLong(), v.positions());
    assertEquals(ref.get("sequences").getAsLong(), v.sequences());
    check(name, ref, "angular_distance_last_token", v.angularDistanceLastToken());
    check(name, ref, "angular_distance_last_token_post_norm", v.angularDistanceLastTokenPostNorm());
    check(name, ref, "block_influence_post_norm", v.blockInfluencePostNorm());
    check(name, ref, "block_influence_sum", v.blockInfluenceSum());
    check(name, ref, "block_influence_sum_post_norm", v.blockInfluenceSumPostNorm());
    check(
        name, ref, "last_token_angular_to_output_post_norm", v.lastTokenAngularToOutputPostNorm());

    // PruneMe drops h_0 before measuring: its entry i is our block i + 1.
    JsonArray pruneMe = ref.getAsJsonArray("pruneme_average_distance");
    int layers = v.blockInfluenceSum().length;
    assertEquals(layers - 1, pruneMe.size());
    for (int i = 0; i < pruneMe.size(); i++) {
      close(
          name + " PruneMe block " + (i + 1),
          pruneMe.get(i).getAsDouble(),
          v.angularDistanceLastTokenPostNorm()[i + 1]);
    }

    // ShortGPT removes the blocks of lowest summed post-norm influence first.
    JsonArray order = ref.getAsJsonArray("shortgpt_removal_order");
    double[] bi = v.blockInfluenceSumPostNorm();
    int[] ours =
        IntStream.range(0, layers)
            .boxed()
            .sorted(Comparator.comparingDouble(l -> bi[l]))
            .mapToInt(Integer::intValue)
            .toArray();
    for (int i = 0; i < layers; i++) {
      assertEquals(order.get(i).getAsInt(), ours[i], name + " ShortGPT removal order " + i);
    }
  }

  @Test
  void theAuditRecordsThePeerMetricsOfItsBaselinePass(@TempDir Path tmp) throws IOException {
    String name = "trained/llama-24L-brown-pre";
    JsonObject ref = reference("llama-24L-brown-pre");
    long[][] ids = Arrays.copyOf(ids(ref), 6);
    Path dir = TestData.fixture(name);
    AuditResult r;
    PeerMetrics.Values direct;
    try (CausalLm lm = CausalLm.open(dir)) {
      direct = fromTrace(lm, lm.trace(ids));
      r =
          LayerAudit.run(
              lm,
              dir,
              new LayerAudit.Inputs("token-ids", ids, null),
              LayerAudit.Options.of(0.01, 4));
    }
    assertNotNull(r.peers(), "an audit on token ids records the peers' metrics");
    assertEquals(AuditSummary.CONVENTION, r.summary().hiddenStateConvention());
    Path file = tmp.resolve("audit.json");
    AuditJson.write(r, file);
    String text = Files.readString(file);
    assertTrue(text.contains("\"angular_distance_last_token_post_norm\""), "snake_case in JSON");
    assertTrue(text.contains("\"hidden_state_convention\": \"pre_final_norm\""), text);
    PeerMetrics.Values read = AuditJson.read(file).peers();
    for (PeerMetrics.Values v : new PeerMetrics.Values[] {r.peers(), read}) {
      // The audit's batches (4 + 2 rows) differ from the trace's halves, so sums differ in the
      // last bits only.
      same(direct.angularDistanceLastToken(), v.angularDistanceLastToken());
      same(direct.angularDistanceLastTokenPostNorm(), v.angularDistanceLastTokenPostNorm());
      same(direct.blockInfluencePostNorm(), v.blockInfluencePostNorm());
      same(direct.blockInfluenceSum(), v.blockInfluenceSum());
      same(direct.blockInfluenceSumPostNorm(), v.blockInfluenceSumPostNorm());
      same(direct.lastTokenAngularToOutputPostNorm(), v.lastTokenAngularToOutputPostNorm());
    }
    // Outside the last block the post-norm variants are ours, and the mean is the sum / positions.
    double[] bi = r.metrics().blockInfluence();
    for (int l = 0; l < bi.length; l++) {
      assertEquals(bi[l] * ids.length * ids[0].length, r.peers().blockInfluenceSum()[l], 1e-9);
      if (l < bi.length - 1) {
        assertEquals(bi[l], r.peers().blockInfluencePostNorm()[l], 1e-12);
      }
      assertEquals(
          r.metrics().lastTokenAngularMatrix()[l][1],
          r.peers().angularDistanceLastToken()[l],
          1e-12);
    }
    assertTrue(
        Math.abs(r.peers().blockInfluencePostNorm()[bi.length - 1] - bi[bi.length - 1])
            > 0.1 * bi[bi.length - 1],
        "the final norm changes the last block's influence on the trained Pre-LN model");
  }

  private static void same(double[] want, double[] got) {
    for (int i = 0; i < want.length; i++) {
      assertEquals(want[i], got[i], 1e-12 * Math.max(1, Math.abs(want[i])), "entry " + i);
    }
  }

  private static void check(String name, JsonObject ref, String key, double[] got) {
    JsonArray want = ref.getAsJsonArray(key);
    assertEquals(want.size(), got.length, name + " " + key + " length");
    for (int i = 0; i < got.length; i++) {
      close(name + " " + key + "[" + i + "]", want.get(i).getAsDouble(), got[i]);
    }
  }

  static void close(String what, double want, double got) {
    double err = Math.abs(want - got);
    assertTrue(
        err <= REL * Math.abs(want),
        what + ": expected " + want + ", got " + got + " (relative error " + err / want + ")");
  }
}
