package dev.depthscope.reports.chart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.reports.LabeledAudit;
import dev.depthscope.reports.Samples;
import dev.depthscope.reports.TrainingCurves;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.junit.jupiter.api.Test;

/** Every plotted number comes from audit.json, read here independently as a JSON tree. */
class DatasetsTest {
  private static final double EPS = 1e-12;

  private static JsonArray metric(JsonObject root, String key) {
    return root.getAsJsonObject("metrics").getAsJsonArray(key);
  }

  @Test
  void varianceIsPlottedForBlockOutputsH1ToHL() {
    JsonObject json = Samples.json(Samples.LLAMA_PRE);
    XYSeriesCollection d = Datasets.variance(Samples.audit(Samples.LLAMA_PRE));
    JsonArray v = metric(json, "variance");
    XYSeries s = d.getSeries(0);
    assertEquals(24, s.getItemCount(), "h_1..h_24; h_0 is left out");
    for (int i = 0; i < s.getItemCount(); i++) {
      assertEquals(i + 1, s.getX(i).intValue());
      assertEquals(v.get(i + 1).getAsDouble(), s.getY(i).doubleValue(), EPS);
    }
  }

  @Test
  void angularDistanceAndBlockInfluencePerBlock() {
    JsonObject json = Samples.json(Samples.QWEN_MC);
    XYSeriesCollection d = Datasets.angularAndInfluence(Samples.audit(Samples.QWEN_MC));
    assertEquals(2, d.getSeriesCount());
    String[] keys = {"angular_distance", "block_influence"};
    for (int k = 0; k < 2; k++) {
      JsonArray want = metric(json, keys[k]);
      XYSeries s = d.getSeries(k);
      assertEquals(want.size(), s.getItemCount());
      for (int l = 0; l < want.size(); l++) {
        assertEquals(l, s.getX(l).intValue());
        assertEquals(want.get(l).getAsDouble(), s.getY(l).doubleValue(), EPS);
      }
    }
  }

  @Test
  void heatmapHasExactlyTheDefinedCells() {
    JsonObject json = Samples.json(Samples.QWEN_MC);
    DefaultXYZDataset d = Datasets.angularMatrix(Samples.audit(Samples.QWEN_MC));
    JsonArray m = metric(json, "last_token_angular_matrix");
    Map<String, Double> want = new HashMap<>();
    for (int a = 0; a < m.size(); a++) {
      JsonArray row = m.get(a).getAsJsonArray();
      for (int n = 0; n < row.size(); n++) {
        if (!row.get(n).isJsonNull()) {
          want.put(a + "," + n, row.get(n).getAsDouble());
        }
      }
    }
    assertEquals(10, want.size(), "L(L+1)/2 cells for L = 4");
    assertEquals(want.size(), d.getItemCount(0));
    for (int i = 0; i < d.getItemCount(0); i++) {
      String key = (int) d.getXValue(0, i) + "," + (int) d.getYValue(0, i);
      assertTrue(want.containsKey(key), key);
      assertEquals(want.get(key), d.getZValue(0, i), EPS);
      assertTrue(d.getYValue(0, i) >= 1, "n starts at 1");
    }
  }

  @Test
  void pruningDeltaIsSplitByTheThresholdAndCarriesTheBootstrapIntervals() {
    JsonObject json = Samples.json(Samples.QWEN_MC);
    AuditResult a = Samples.audit(Samples.QWEN_MC);
    YIntervalSeriesCollection d = Datasets.pruningDelta(a);
    double base = json.getAsJsonObject("metrics").get("baseline_nll").getAsDouble();
    double threshold = json.getAsJsonObject("summary").get("threshold").getAsDouble();
    assertEquals(threshold * base, Datasets.thresholdNll(a), EPS);
    JsonArray delta = metric(json, "pruning_delta_nll");
    JsonArray ci = json.getAsJsonObject("uncertainty").getAsJsonArray("pruning_delta_nll");
    JsonArray ineffective = json.getAsJsonObject("summary").getAsJsonArray("ineffective_layers");
    int seen = 0;
    for (int s = 0; s < 2; s++) {
      YIntervalSeries series = d.getSeries(s);
      for (int i = 0; i < series.getItemCount(); i++) {
        int l = series.getX(i).intValue();
        assertEquals(delta.get(l).getAsDouble(), series.getYValue(i), EPS);
        JsonArray iv = ci.get(l).getAsJsonArray();
        assertEquals(iv.get(0).getAsDouble(), series.getYLowValue(i), EPS);
        assertEquals(iv.get(1).getAsDouble(), series.getYHighValue(i), EPS);
        boolean isIneffective = ineffective.contains(new com.google.gson.JsonPrimitive(l));
        assertEquals(
            isIneffective ? Datasets.INEFFECTIVE : Datasets.EFFECTIVE,
            series.getKey(),
            "block " + l);
        seen++;
      }
    }
    assertEquals(delta.size(), seen);
  }

  @Test
  void mcAccuracyDeltaIsInPercentagePoints() {
    JsonObject json = Samples.json(Samples.QWEN_MC);
    YIntervalSeries s = Datasets.mcAccuracyDelta(Samples.audit(Samples.QWEN_MC)).getSeries(0);
    JsonArray delta = metric(json, "mc_accuracy_delta");
    JsonArray ci = json.getAsJsonObject("uncertainty").getAsJsonArray("mc_accuracy_delta");
    assertEquals(delta.size(), s.getItemCount());
    for (int l = 0; l < delta.size(); l++) {
      assertEquals(100 * delta.get(l).getAsDouble(), s.getYValue(l), 1e-9);
      assertEquals(100 * ci.get(l).getAsJsonArray().get(0).getAsDouble(), s.getYLowValue(l), 1e-9);
      assertEquals(100 * ci.get(l).getAsJsonArray().get(1).getAsDouble(), s.getYHighValue(l), 1e-9);
    }
  }

  @Test
  void expertLoadIsAShareOfEachMoeLayerAndSkipsDenseLayers() {
    JsonArray load = metric(Samples.json(Samples.MOE), "expert_load");
    DefaultXYZDataset d = Datasets.expertLoad(Samples.audit(Samples.MOE));
    assertEquals(12, d.getItemCount(0), "3 MoE layers x 4 experts; layer 0 is dense");
    double[] perLayer = new double[4];
    for (int i = 0; i < d.getItemCount(0); i++) {
      int l = (int) d.getXValue(0, i);
      int e = (int) d.getYValue(0, i);
      assertFalse(load.get(l).isJsonNull());
      JsonArray row = load.get(l).getAsJsonArray();
      double total = 0;
      for (JsonElement t : row) {
        total += t.getAsDouble();
      }
      assertEquals(100 * row.get(e).getAsDouble() / total, d.getZValue(0, i), 1e-9);
      perLayer[l] += d.getZValue(0, i);
    }
    for (int l = 1; l < 4; l++) {
      assertEquals(100, perLayer[l], 1e-9);
    }
    assertNull(Datasets.expertLoad(Samples.audit(Samples.QWEN_MC)), "dense model: no chart");
  }

  @Test
  void trainingLossHasATrainAndAnEvalSeriesPerRun() throws IOException {
    List<TrainingCurves> runs = TrainingCurves.read(Samples.path(Samples.TRAINER_CURVES));
    XYSeriesCollection d = Datasets.trainingLoss(runs);
    assertEquals(2, d.getSeriesCount());
    assertEquals("lns train", d.getSeriesKey(0));
    assertEquals("lns eval", d.getSeriesKey(1));
    assertEquals(3, d.getItemCount(0));
    assertEquals(20, d.getXValue(0, 2), EPS);
    assertEquals(7.1, d.getYValue(0, 2), EPS);
    assertEquals(7.95, d.getYValue(1, 0), EPS);
    // The same run twice still gives distinct series keys.
    XYSeriesCollection twice = Datasets.trainingLoss(List.of(runs.get(0), runs.get(0)));
    assertEquals("lns (2) train", twice.getSeriesKey(2));
  }

  @Test
  void overlaysUseRelativeDepthWhenLayerCountsDiffer() {
    List<LabeledAudit> both =
        LabeledAudit.byModelName(
            List.of(Samples.audit(Samples.QWEN_MC), Samples.audit(Samples.LLAMA_PRE)));
    assertTrue(Datasets.needsRelativeDepth(both));
    XYSeriesCollection delta = Datasets.overlay(both, PerLayer.PRUNING_DELTA_NLL, true);
    XYSeries qwen = delta.getSeries(0);
    assertEquals(0.5 / 4, qwen.getX(0).doubleValue(), EPS, "block 0 of 4 sits at its centre");
    assertEquals(3.5 / 4, qwen.getX(3).doubleValue(), EPS);
    XYSeriesCollection variance = Datasets.overlay(both, PerLayer.VARIANCE, true);
    XYSeries llama = variance.getSeries(1);
    assertEquals(1.0 / 24, llama.getX(0).doubleValue(), EPS, "h_1 of 24 at 1/24");
    assertEquals(1.0, llama.getX(23).doubleValue(), EPS);
    JsonArray v = metric(Samples.json(Samples.LLAMA_PRE), "variance");
    assertEquals(v.get(24).getAsDouble(), llama.getY(23).doubleValue(), EPS);

    List<LabeledAudit> same =
        LabeledAudit.byModelName(
            List.of(Samples.audit(Samples.QWEN_MC), Samples.audit(Samples.QWEN_MC)));
    assertFalse(Datasets.needsRelativeDepth(same));
    assertEquals("qwen3-tiny-bf16 (2)", same.get(1).label());
    XYSeriesCollection mc = Datasets.overlay(same, PerLayer.MC_ACCURACY_DELTA, false);
    assertEquals(-100.0 / 3, mc.getSeries(1).getY(2).doubleValue(), 1e-9);
  }
}
