package dev.depthscope.reports.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.TestData;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.PeerMetrics;
import dev.depthscope.reports.Samples;
import java.io.IOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jfree.data.xy.DefaultXYZDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The paper-style heatmap reproduces the Curse of Depth paper's row normalization as {@code
 * testdata/peers/make_reference.py} computes it with numpy, from the same raw distances.
 */
class PaperHeatmapTest {

  private static JsonObject reference(String name) throws IOException {
    return JsonParser.parseString(Files.readString(TestData.fixture("peers/" + name + ".json")))
        .getAsJsonObject();
  }

  /** The 24-layer sample audit with the reference's raw distances as its matrix and peers. */
  private static AuditResult withReference(JsonObject ref) {
    JsonArray raw = ref.getAsJsonArray("paper_heatmap_raw");
    int layers = raw.size() + 1;
    Double[][] matrix = new Double[layers + 1][layers + 1];
    double[] toOutput = new double[layers];
    for (int n = 1; n < layers; n++) {
      JsonArray row = raw.get(n - 1).getAsJsonArray();
      for (int l = 0; l + n <= layers; l++) {
        if (l + n == layers) {
          toOutput[l] = row.get(l).getAsDouble();
          matrix[l][n] = -1.0; // the pre-norm cell: must not be used when peers are present
        } else {
          matrix[l][n] = row.get(l).getAsDouble();
        }
      }
    }
    toOutput[0] = ref.getAsJsonArray("last_token_angular_to_output_post_norm").get(0).getAsDouble();
    AuditResult a = Samples.audit(Samples.LLAMA_PRE);
    assertEquals(layers, a.model().layers());
    AuditResult.Metrics m = a.metrics();
    AuditResult.Metrics replaced =
        new AuditResult.Metrics(
            m.variance(),
            m.angularDistance(),
            m.blockInfluence(),
            matrix,
            m.baselineNll(),
            m.prunedNll(),
            m.pruningDeltaNll(),
            m.baselinePerplexity(),
            m.prunedPerplexity(),
            m.relativeDeltaNll(),
            m.mcAccuracy(),
            m.mcPrunedAccuracy(),
            m.mcAccuracyDelta(),
            m.expertLoad());
    PeerMetrics.Values peers = new PeerMetrics.Values(null, null, null, null, null, toOutput, 1, 1);
    return new AuditResult(
        a.schema(),
        a.model(),
        a.eval(),
        replaced,
        peers,
        a.uncertainty(),
        a.summary(),
        a.removalSearch(),
        a.sweep(),
        a.timings(),
        a.versions());
  }

  @ParameterizedTest
  @ValueSource(strings = {"llama-24L-brown-pre", "llama-24L-brown-lns"})
  void rowNormalizationMatchesThePapersScript(String name) throws IOException {
    JsonObject ref = reference(name);
    DefaultXYZDataset d = PaperHeatmap.dataset(withReference(ref));
    assertNotNull(d);
    Map<String, Double> got = new HashMap<>();
    for (int i = 0; i < d.getItemCount(0); i++) {
      got.put((int) d.getXValue(0, i) + "," + (int) d.getYValue(0, i), d.getZValue(0, i));
    }
    JsonArray want = ref.getAsJsonArray("paper_heatmap");
    int shown = 0;
    for (int n = 1; n <= want.size(); n++) {
      JsonArray row = want.get(n - 1).getAsJsonArray();
      for (int l = 0; l < row.size(); l++) {
        Double z = got.get(l + "," + n);
        if (row.get(l).isJsonNull()) {
          assertEquals(null, z, name + ": cell l=" + l + " n=" + n + " is hidden");
        } else {
          shown++;
          assertNotNull(z, name + ": cell l=" + l + " n=" + n + " is shown");
          assertEquals(row.get(l).getAsDouble(), z, 1e-12, name + " l=" + l + " n=" + n);
          assertTrue(z >= 0 && z <= 1);
        }
      }
    }
    assertEquals(shown, got.size(), "no cell beyond the paper's");
    assertEquals(24 * 23 / 2, shown, "cells l + n < L of 24 layers");
  }

  @Test
  void percentileInterpolatesBetweenOrderStatisticsAsNumpy() {
    double[] v = {5, 1, 4, 2, 3, Double.NaN};
    assertEquals(1.04, PaperHeatmap.percentile(v, 1), 1e-15);
    assertEquals(4.96, PaperHeatmap.percentile(v, 99), 1e-15);
    assertEquals(3, PaperHeatmap.percentile(v, 50), 1e-15);
  }

  @Test
  void aRowOfEqualValuesBecomesZero() {
    double[][] out = PaperHeatmap.normalizeRows(new double[][] {{0.2, 0.2, 0.2}, {0, 1, 2}});
    assertEquals(List.of(0.0, 0.0, 0.0), List.of(out[0][0], out[0][1], out[0][2]));
    assertEquals(0, out[1][0], 1e-15);
    assertEquals(0.5, out[1][1], 1e-15);
    assertEquals(1, out[1][2], 1e-15);
  }

  @Test
  void thePaperChartFollowsOursOnlyWhenAsked() {
    AuditResult a = Samples.audit(Samples.LLAMA_PRE);
    List<String> ours = AuditCharts.of(a, List.of()).stream().map(Chart::name).toList();
    List<String> paper =
        AuditCharts.of(a, List.of(), HeatmapStyle.PAPER).stream().map(Chart::name).toList();
    assertTrue(!ours.contains("angular-matrix-paper"), ours.toString());
    int at = paper.indexOf("angular-matrix");
    assertEquals("angular-matrix-paper", paper.get(at + 1), paper.toString());
    assertEquals(ours.size() + 1, paper.size());
  }
}
