package dev.depthscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.PeerMetrics;
import dev.depthscope.reports.csv.LayersCsv;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The peers' metrics appear in the per-layer table and layers.csv under their audit.json names, and
 * the verdict says which convention it reads.
 */
class PeerColumnsTest {
  private static final List<String> KEYS =
      List.of(
          "angular_distance_last_token",
          "angular_distance_last_token_post_norm",
          "block_influence_post_norm",
          "block_influence_sum",
          "block_influence_sum_post_norm");

  private static double[] ramp(int layers, double base) {
    double[] v = new double[layers];
    for (int l = 0; l < layers; l++) {
      v[l] = base + l;
    }
    return v;
  }

  private static AuditResult withPeers(AuditResult a) {
    int layers = a.model().layers();
    PeerMetrics.Values peers =
        new PeerMetrics.Values(
            ramp(layers, 100),
            ramp(layers, 200),
            ramp(layers, 300),
            ramp(layers, 400),
            ramp(layers, 500),
            ramp(layers, 600),
            4096,
            8);
    return new AuditResult(
        a.schema(),
        a.model(),
        a.eval(),
        a.metrics(),
        peers,
        a.uncertainty(),
        a.summary(),
        a.removalSearch(),
        a.sweep(),
        a.timings(),
        a.versions());
  }

  @Test
  void peerColumnsCarryThePeersValues() {
    AuditResult a = withPeers(Samples.audit(Samples.LLAMA_PRE));
    LayerTable t = LayerTable.of(a);
    List<String> keys = t.columns().stream().map(LayerTable.Column::key).toList();
    int first = keys.indexOf(KEYS.get(0));
    assertEquals(KEYS, keys.subList(first, first + KEYS.size()), keys.toString());
    assertEquals(keys.indexOf("block_influence") + 1, first, "right after ours");
    for (LayerTable.Row r : t.rows()) {
      for (int k = 0; k < KEYS.size(); k++) {
        assertEquals(100 * (k + 1) + r.block(), r.values()[first + k], 0, KEYS.get(k));
      }
    }
    String csv = LayersCsv.of(t);
    assertTrue(csv.lines().findFirst().orElseThrow().contains(String.join(",", KEYS)), csv);
    assertTrue(csv.contains(",123.0,223.0,323.0,423.0,523.0,"), "row of block 23");
    String fact =
        Verdict.of(a).facts().stream()
            .filter(f -> f.startsWith("Convention"))
            .findFirst()
            .orElseThrow();
    assertTrue(fact.contains("*_post_norm columns"), fact);
  }

  @Test
  void anAuditWithoutPeersHasNoPeerColumnsAndSaysSo() {
    AuditResult a = Samples.audit(Samples.LLAMA_PRE);
    List<String> keys = LayerTable.of(a).columns().stream().map(LayerTable.Column::key).toList();
    for (String k : KEYS) {
      assertTrue(!keys.contains(k), k);
    }
    String fact =
        Verdict.of(a).facts().stream()
            .filter(f -> f.startsWith("Convention"))
            .findFirst()
            .orElseThrow();
    assertTrue(fact.contains("did not record their conventions"), fact);
  }
}
