package dev.depthscope.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.config.ModelConfig;
import dev.depthscope.core.config.NormScheme;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.Engines;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules of REFERENCE.md piece by piece, and a random-init run end to end (no fixtures). */
class UnitsTest {
  @TempDir Path tmp;

  @Test
  void learningRateScheduleFollowsReference() {
    Hyperparameters hp = Hyperparameters.parity6L();
    assertEquals(1e-3 / 30, hp.lrAt(0), 1e-15);
    assertEquals(1e-3, hp.lrAt(29), 1e-15);
    assertEquals(1e-3, hp.lrAt(30), 1e-15); // cos(0) = 1
    double mid = 1e-3 * (0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 135 / 270)));
    assertEquals(mid, hp.lrAt(165), 1e-15);
    assertTrue(hp.lrAt(299) > 1e-4 && hp.lrAt(299) < 1.001e-4);
  }

  @Test
  void batchRowsFollowReferenceRule() {
    int[] ids = new int[100];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = i;
    }
    TokenStream s = TokenStream.of(ids, "test");
    long[][] rows = s.batch(3, 2, 10); // o = ((3*2 + r) * 10) mod (100 - 11) = 60, 70
    assertEquals(11, rows[0].length);
    assertEquals(60, rows[0][0]);
    assertEquals(70, rows[1][0]);
    long[][] wrapped = s.batch(5, 2, 10); // (10*10) mod 89 = 11, (11*10) mod 89 = 21
    assertEquals(11, wrapped[0][0]);
    assertEquals(21, wrapped[1][0]);
    assertEquals(31, wrapped[1][10]);
  }

  @Test
  void readsUint16AndUint32Streams() throws Exception {
    ByteBuffer b16 = ByteBuffer.allocate(6).order(ByteOrder.LITTLE_ENDIAN);
    b16.putShort((short) 1).putShort((short) 65535).putShort((short) 7);
    Files.write(tmp.resolve("a.u16"), b16.array());
    assertEquals(65535, TokenStream.read(tmp.resolve("a.u16"), 2).maxId());
    ByteBuffer b32 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    b32.putInt(70000).putInt(3);
    Files.write(tmp.resolve("a.u32"), b32.array());
    TokenStream s = TokenStream.read(tmp.resolve("a.u32"), 4);
    assertEquals(2, s.size());
    assertEquals(70000, s.maxId());
    Files.write(tmp.resolve("odd"), new byte[3]);
    var e =
        assertThrows(IllegalArgumentException.class, () -> TokenStream.read(tmp.resolve("odd"), 2));
    assertTrue(e.getMessage().contains("odd"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> s.check(1, 100));
  }

  @Test
  void adamWMatchesPyTorchFormulas() {
    Hyperparameters hp = Hyperparameters.parity6L();
    try (NDManager root = Engines.newCpuManager()) {
      NDArray p = root.create(new float[] {1f, -2f});
      AdamW opt = new AdamW(root, List.of(p), hp);
      double[] pv = {1, -2};
      double[] m = new double[2];
      double[] v = new double[2];
      double[][] grads = {{0.5, -0.1}, {0.2, 0.3}};
      double lr = 0.01;
      for (int t = 1; t <= 2; t++) {
        try (NDManager step = root.newSubManager()) {
          NDArray g = step.create(new float[] {(float) grads[t - 1][0], (float) grads[t - 1][1]});
          p.tempAttach(step);
          opt.step(step, List.of(p), List.of(g), lr);
        }
        for (int i = 0; i < 2; i++) {
          double g = grads[t - 1][i];
          pv[i] -= lr * 0.1 * pv[i];
          m[i] = 0.9 * m[i] + 0.1 * g;
          v[i] = 0.95 * v[i] + 0.05 * g * g;
          double denom = Math.sqrt(v[i]) / Math.sqrt(1 - Math.pow(0.95, t)) + 1e-8;
          pv[i] -= lr / (1 - Math.pow(0.9, t)) * m[i] / denom;
        }
      }
      float[] got = p.toFloatArray();
      assertEquals(pv[0], got[0], 1e-6);
      assertEquals(pv[1], got[1], 1e-6);
    }
  }

  @Test
  void jsonRowsStayOnOneLine() {
    com.google.gson.JsonArray rows = new com.google.gson.JsonArray();
    com.google.gson.JsonArray row = new com.google.gson.JsonArray();
    row.add(3);
    row.add(7.5);
    row.add(Double.NaN);
    rows.add(row);
    JsonObject o = new JsonObject();
    o.add("losses", rows);
    o.addProperty("name", "[1, 2]");
    String text = JsonFiles.format(o);
    assertTrue(text.contains("[3, 7.5, NaN]"), text);
    assertTrue(text.contains("\"[1, 2]\""), text);
  }

  @Test
  void normNamesAndLnsScale() {
    assertEquals(Norm.LNS, Norm.parse("LNS"));
    assertEquals(1f, Norm.PRE.normScale(3));
    assertEquals((float) (1 / Math.sqrt(4)), Norm.LNS.normScale(3));
    assertEquals(NormScheme.PRE, Norm.LNS.scheme());
    assertThrows(IllegalArgumentException.class, () -> Norm.parse("layer"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new TrainSpec(
                Norm.PRE,
                true,
                tmp,
                null,
                Hyperparameters.parity6L(),
                TokenStream.of(new int[10], "x"),
                TokenStream.of(new int[10], "x"),
                null,
                tmp));
  }

  @Test
  void randomInitRunExportsLoadableCheckpoint() throws Exception {
    int[] ids = new int[5000];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = (i * 7 + i / 13) % 61; // a learnable, non-trivial stream
    }
    TokenStream stream = TokenStream.of(ids, "synthetic");
    Hyperparameters hp =
        new Hyperparameters(25, 4, 32, 3e-3, 3, 0.1, 0.1, 1.0, 0.9, 0.95, 1e-8, 2, 16, 0, 7L);
    ModelShape shape = new ModelShape(4, 32, 4, 2, 64, 64);
    TrainSpec spec =
        new TrainSpec(Norm.LNS, true, null, shape, hp, stream, stream, null, tmp.resolve("r"));
    TrainResult r = Trainer.run(spec, StepListener.NONE);
    assertTrue(r.losses().get(24)[1] < r.losses().get(0)[1] - 0.5);
    ModelConfig c = ModelConfig.load(r.modelDir());
    assertEquals(NormScheme.PRE, c.normScheme());
    assertEquals(4, c.numLayers());
    JsonObject cfg =
        JsonParser.parseString(Files.readString(r.modelDir().resolve("config.json")))
            .getAsJsonObject();
    assertFalse(cfg.has(NormScheme.CONFIG_FIELD));
    assertEquals("lns", cfg.getAsJsonObject("depthscope_training").get("norm").getAsString());
    assertEquals(r.finalEvalLoss(), ParityTest.auditedEvalLoss(r.modelDir(), stream, hp), 1e-4);

    // Same seed, same init: a second model's o_proj has the scaled std 0.02/sqrt(8).
    try (TrainableLlama m = TrainableLlama.random(c, Norm.LNS, 7L, true)) {
      float[] o = m.parameters().get(6).toFloatArray(); // embed, 2 norms, q, k, v, o
      double ss = 0;
      for (float x : o) {
        ss += x * x;
      }
      assertEquals(0.02 / Math.sqrt(8), Math.sqrt(ss / o.length), 0.002);
    }
    try (CausalLm lm = CausalLm.open(r.modelDir())) {
      assertArrayEquals(new long[] {64, 32}, lm.checkpoint().require("lm_head.weight").shape());
    }
  }
}
