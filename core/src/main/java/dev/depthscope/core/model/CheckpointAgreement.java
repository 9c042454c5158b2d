package dev.depthscope.core.model;

import dev.depthscope.core.checkpoint.Checkpoint;
import dev.depthscope.core.checkpoint.TensorInfo;
import dev.depthscope.core.config.ConfigException;
import dev.depthscope.core.config.ModelConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks that {@code config.json} agrees with the checkpoint it sits beside, from the safetensors
 * headers alone and before any weight is allocated: the embedding (and an untied LM head) is {@code
 * [vocab_size, hidden_size]}, every layer {@code 0..num_hidden_layers-1} has tensors, and the first
 * dense and the first MoE block hold every tensor the config implies, with its shape (the other
 * blocks are checked as they load). A disagreement is a config error (one line naming {@code
 * config.json}), so {@code inspect} and {@code audit} report it the same way and neither runs on a
 * mislabelled model.
 */
public final class CheckpointAgreement {
  private static final Pattern LAYER = Pattern.compile("model\\.layers\\.(\\d{1,9})\\.");

  private CheckpointAgreement() {}

  /**
   * Throws {@link ConfigException} when {@code c} and {@code ckpt} disagree.
   *
   * @param c the parsed config
   * @param ckpt the opened checkpoint of the same directory
   */
  public static void check(ModelConfig c, Checkpoint ckpt) {
    Path file = ckpt.dir().resolve("config.json");
    long v = c.vocabSize();
    long d = c.hiddenSize();
    matrix(file, ckpt, "model.embed_tokens.weight", v, d);
    if (!c.tieWordEmbeddings()) {
      matrix(file, ckpt, "lm_head.weight", v, d);
    }
    layers(file, c, ckpt);
    int firstMoe = -1;
    int firstDense = -1;
    for (int l = 0; l < c.numLayers() && (firstMoe < 0 || firstDense < 0); l++) {
      if (c.isMoeLayer(l)) {
        firstMoe = firstMoe < 0 ? l : firstMoe;
      } else {
        firstDense = firstDense < 0 ? l : firstDense;
      }
    }
    for (int l : new int[] {firstDense, firstMoe}) {
      if (l >= 0) {
        block(file, c, ckpt, l);
      }
    }
  }

  private static void matrix(Path file, Checkpoint ckpt, String name, long rows, long cols) {
    TensorInfo t = ckpt.tensors().get(name);
    if (t != null && !Arrays.equals(t.shape(), new long[] {rows, cols})) {
      throw new ConfigException(
          file
              + ": vocab_size = "
              + rows
              + " and hidden_size = "
              + cols
              + " imply "
              + name
              + " of shape ["
              + rows
              + ", "
              + cols
              + "], but the checkpoint's is "
              + t.shapeText());
    }
  }

  private static void layers(Path file, ModelConfig c, Checkpoint ckpt) {
    BitSet present = new BitSet();
    for (String name : ckpt.tensors().keySet()) {
      Matcher m = LAYER.matcher(name);
      if (m.lookingAt()) {
        int l = Integer.parseInt(m.group(1));
        if (l < c.numLayers()) {
          present.set(l);
        }
      }
    }
    int missing = present.nextClearBit(0);
    if (missing < c.numLayers()) {
      int held = present.cardinality();
      throw new ConfigException(
          file
              + ": num_hidden_layers is "
              + c.numLayers()
              + ", but the checkpoint has no tensors for layer "
              + missing
              + " (model.layers."
              + missing
              + ".*; it holds "
              + held
              + (held == 1 ? " layer" : " layers")
              + " below "
              + c.numLayers()
              + ")");
    }
  }

  private static void block(Path file, ModelConfig c, Checkpoint ckpt, int layer) {
    for (Map.Entry<String, long[]> e : BlockWeights.spec(c, layer).entrySet()) {
      TensorInfo t = ckpt.tensors().get(e.getKey());
      if (t == null) {
        throw new ConfigException(
            file
                + ": the config implies tensor \""
                + e.getKey()
                + "\" of shape "
                + Arrays.toString(e.getValue())
                + ", but the checkpoint has no such tensor");
      }
      if (!Arrays.equals(t.shape(), e.getValue())) {
        throw new ConfigException(
            file
                + ": the config implies tensor \""
                + e.getKey()
                + "\" of shape "
                + Arrays.toString(e.getValue())
                + ", but the checkpoint's is "
                + t.shapeText());
      }
    }
  }
}
