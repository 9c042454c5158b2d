package dev.depthscope.core.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.depthscope.core.TestData;
import dev.depthscope.core.checkpoint.SafetensorsFile;
import dev.depthscope.core.checkpoint.SafetensorsWriter;
import dev.depthscope.core.checkpoint.TensorInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block-by-block callers get the same expert load as {@link CausalLm#trace}, loads accumulate over
 * batches, and multi-token-prediction layers in a checkpoint are skipped with one notice.
 */
class ExpertLoadTest {
  private static final long[][] IDS = {{0, 5, 9, 200, 17, 3}, {0, 7, 7, 3, 1000, 42}};

  @Test
  void blockByBlockSinkSeesTheSameLoadAsTheTraceAndAccumulates() {
    try (CausalLm lm = CausalLm.open(TestData.model("deepseek-v3-tiny-bf16"))) {
      Trace trace = lm.trace(IDS);
      ExpertLoad sink = new ExpertLoad(lm.config());
      try (NDManager m = lm.manager().newSubManager();
          AttentionInputs att = lm.attentionInputs(m, IDS[0].length)) {
        NDArray h = lm.embed(m, IDS);
        for (int l = 0; l < lm.config().numLayers(); l++) {
          h = lm.block(l, h, att, sink);
        }
        h = lm.embed(m, IDS);
        lm.blocks(0, lm.config().numLayers(), h, att, null); // no sink: nothing recorded
      }
      assertNull(sink.layer(0), "layer 0 is dense (first_k_dense_replace = 1)");
      for (int l = 1; l < lm.config().numLayers(); l++) {
        assertArrayEquals(trace.expertLoad()[l], sink.layer(l), "layer " + l);
      }
      long[] once = sink.layer(2);
      sink.add(2, once);
      long[] twice = sink.layer(2);
      for (int e = 0; e < once.length; e++) {
        assertEquals(2 * once[e], twice[e]);
      }
      assertThrows(IllegalArgumentException.class, () -> sink.add(0, new long[8]));
    }
  }

  @Test
  void multiTokenPredictionLayersAreSkippedWithOneNotice(@TempDir Path tmp) throws Exception {
    Path src = TestData.model("deepseek-v3-tiny-bf16");
    Files.copy(src.resolve("config.json"), tmp.resolve("config.json"));
    SafetensorsWriter w = new SafetensorsWriter();
    try (SafetensorsFile f = SafetensorsFile.open(src.resolve("model.safetensors"))) {
      for (TensorInfo t : f.tensors().values()) {
        w.addFloats(t.name(), f.readFloats(t.name()), t.shape());
      }
    }
    // What a real DeepSeek-V3 checkpoint carries for its MTP module (layer 61 there, 4 here).
    w.addFloats("model.layers.4.eh_proj.weight", new float[64 * 128], 64, 128);
    w.addFloats("model.layers.4.enorm.weight", new float[64], 64);
    w.write(tmp.resolve("model.safetensors"));

    List<String> notices = new ArrayList<>();
    try (CausalLm lm = CausalLm.open(tmp, notices::add)) {
      assertEquals(1, notices.size(), notices.toString());
      assertTrue(notices.get(0).contains("model.layers.4.*"), notices.get(0));
      assertTrue(notices.get(0).contains("2 tensors"), notices.get(0));
      assertEquals(2, lm.trace(IDS).tokenNll().length / (IDS[0].length - 1));
    }
    List<String> none = new ArrayList<>();
    try (CausalLm lm = CausalLm.open(src, none::add)) {
      assertTrue(none.isEmpty(), none.toString());
    }
  }
}
