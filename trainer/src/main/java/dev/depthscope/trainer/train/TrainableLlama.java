package dev.depthscope.trainer.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.core.Embedding;
import dev.depthscope.core.checkpoint.Checkpoint;
import dev.depthscope.core.checkpoint.SafetensorsWriter;
import dev.depthscope.core.config.ModelConfig;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.BlockWeights;
import dev.depthscope.core.model.DecoderBlock;
import dev.depthscope.core.model.Engines;
import dev.depthscope.core.model.WeightLoader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * The trainable parameters of a dense decoder (Llama layout) as float32 leaf NDArrays that require
 * gradients, named as in Hugging Face checkpoints, plus the loss forward pass. The forward is
 * core's {@link DecoderBlock#forward} (so trained and loaded models compute the same thing);
 * LayerNorm Scaling is applied by handing the block norm weights multiplied by {@code 1/sqrt(i+1)},
 * which is the same product as scaling the norm output and keeps the trained parameters unscaled.
 *
 * <p>Parameters live in the model's own manager, on the device it was created for (the CPU unless
 * {@code load} or {@code random} is given another); optimizer state and every step's arrays come
 * from that manager, so training runs on that device. Callers run each step in a sub-manager and
 * {@link #attachTo} it, so every intermediate (and gradient handle) is freed when the step ends.
 */
public final class TrainableLlama implements AutoCloseable {
  private final ModelConfig config;
  private final Norm norm;
  private final NDManager manager;
  private final LinkedHashMap<String, NDArray> params;
  private final Map<Integer, AttentionInputs> attention = new HashMap<>();

  private TrainableLlama(
      ModelConfig config, Norm norm, NDManager manager, LinkedHashMap<String, NDArray> params) {
    if (config.normScheme() != norm.scheme()) {
      throw new IllegalArgumentException(
          "config norm scheme " + config.normScheme() + " does not match --norm " + norm.cliName());
    }
    this.config = config;
    this.norm = norm;
    this.manager = manager;
    this.params = new LinkedHashMap<>();
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      // DJL creates arrays from Java buffers with torch::from_blob, so their memory belongs to a
      // Java direct buffer; parameters are updated in place for the whole run, so give them
      // libtorch-owned storage instead.
      NDArray own = e.getValue().duplicate();
      e.getValue().close();
      own.setRequiresGradient(true);
      this.params.put(e.getKey(), own);
    }
  }

  /** Every parameter name with its shape, in checkpoint order (embedding, blocks, norm, head). */
  public static LinkedHashMap<String, long[]> spec(ModelConfig c) {
    var s = new LinkedHashMap<String, long[]>();
    s.put("model.embed_tokens.weight", new long[] {c.vocabSize(), c.hiddenSize()});
    for (int l = 0; l < c.numLayers(); l++) {
      s.putAll(BlockWeights.spec(c, l));
    }
    s.put("model.norm.weight", new long[] {c.hiddenSize()});
    if (!c.tieWordEmbeddings()) {
      s.put("lm_head.weight", new long[] {c.vocabSize(), c.hiddenSize()});
    }
    return s;
  }

  /** Loads the initial weights from the checkpoint in {@code dir} (any float dtype, as float32). */
  public static TrainableLlama load(Path dir, ModelConfig config, Norm norm) {
    return load(dir, config, norm, Device.cpu());
  }

  /** {@link #load(Path, ModelConfig, Norm)} with the parameters on {@code device}. */
  public static TrainableLlama load(Path dir, ModelConfig config, Norm norm, Device device) {
    NDManager m = Engines.newManager(device);
    try (Checkpoint ckpt = Checkpoint.open(dir)) {
      WeightLoader loader = new WeightLoader(ckpt);
      var params = new LinkedHashMap<String, NDArray>();
      for (Map.Entry<String, long[]> e : spec(config).entrySet()) {
        params.put(e.getKey(), loader.load(m, e.getKey(), e.getValue()));
      }
      return new TrainableLlama(config, norm, m, params);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /**
   * A seeded random initialisation as transformers' Llama does it: every matrix (embedding
   * included) normal with std {@code initializer_range = 0.02}, norm weights 1. With {@code
   * scaledInit}, {@code o_proj} and {@code down_proj} use std {@code 0.02/sqrt(2L)} (GPT-2 style).
   */
  public static TrainableLlama random(
      ModelConfig config, Norm norm, long seed, boolean scaledInit) {
    return random(config, norm, seed, scaledInit, Device.cpu());
  }

  /**
   * {@link #random(ModelConfig, Norm, long, boolean)} with the parameters on {@code device}: the
   * values are drawn in Java from the seed, so they are the same on every device.
   */
  public static TrainableLlama random(
      ModelConfig config, Norm norm, long seed, boolean scaledInit, Device device) {
    NDManager m = Engines.newManager(device);
    try {
      Random rng = new Random(seed);
      double std = 0.02;
      double scaledStd = std / Math.sqrt(2.0 * config.numLayers());
      var params = new LinkedHashMap<String, NDArray>();
      for (Map.Entry<String, long[]> e : spec(config).entrySet()) {
        String name = e.getKey();
        long[] shape = e.getValue();
        float[] v = new float[Math.toIntExact(new Shape(shape).size())];
        if (name.endsWith("norm.weight") || name.endsWith("layernorm.weight")) {
          java.util.Arrays.fill(v, 1f);
        } else if (!name.endsWith(".bias")) {
          boolean residualOut =
              name.endsWith("self_attn.o_proj.weight") || name.endsWith("mlp.down_proj.weight");
          double s = scaledInit && residualOut ? scaledStd : std;
          for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rng.nextGaussian() * s);
          }
        }
        params.put(name, m.create(v, new Shape(shape)));
      }
      return new TrainableLlama(config, norm, m, params);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** The architecture (its norm scheme is {@link Norm#scheme()}). */
  public ModelConfig config() {
    return config;
  }

  /** The scheme trained. */
  public Norm norm() {
    return norm;
  }

  /** The parameters by name, in checkpoint order (live arrays: do not close them). */
  public List<NDArray> parameters() {
    return new ArrayList<>(params.values());
  }

  /** The parameter names, in the order of {@link #parameters()}. */
  public List<String> parameterNames() {
    return new ArrayList<>(params.keySet());
  }

  /** Number of scalar parameters. */
  public long parameterCount() {
    long n = 0;
    for (NDArray p : params.values()) {
      n += p.size();
    }
    return n;
  }

  /** The model's long-lived manager (optimizer state goes here). */
  public NDManager manager() {
    return manager;
  }

  /**
   * Temporarily attaches every parameter to {@code step}, so arrays derived from them (including
   * gradient handles) are created there and freed when it closes; the parameters themselves return
   * to the model's manager.
   */
  public void attachTo(NDManager step) {
    for (NDArray p : params.values()) {
      p.tempAttach(step);
    }
  }

  /**
   * Mean next-token cross-entropy (nats) over all {@code B*seq} targets of {@code rows [B][seq+1]}
   * (REFERENCE.md, "Loss"): a scalar in {@code m}, differentiable when called under a gradient
   * collector.
   */
  public NDArray loss(NDManager m, long[][] rows) {
    int b = rows.length;
    int t = rows[0].length - 1;
    long[] in = new long[b * t];
    long[] target = new long[b * t];
    for (int r = 0; r < b; r++) {
      System.arraycopy(rows[r], 0, in, r * t, t);
      System.arraycopy(rows[r], 1, target, r * t, t);
    }
    NDArray ids = m.create(in, new Shape(b, t));
    NDArray h =
        Embedding.embedding(ids, params.get("model.embed_tokens.weight"), SparseFormat.DENSE)
            .singletonOrThrow();
    AttentionInputs att =
        attention.computeIfAbsent(t, n -> new AttentionInputs(manager, config, n));
    for (int l = 0; l < config.numLayers(); l++) {
      h = DecoderBlock.forward(config, l, blockWeights(m, l), h, att);
    }
    NDArray x =
        DecoderBlock.rmsNorm(h, params.get("model.norm.weight"), (float) config.rmsNormEps())
            .reshape(b * t, config.hiddenSize());
    NDArray head =
        params.get(config.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight");
    NDArray logits = DecoderBlock.linear(x, head, null);
    NDArray picked = logits.logSoftmax(-1).gather(m.create(target, new Shape(b * t, 1)), 1);
    return picked.mean().neg();
  }

  /** Block {@code layer}'s weights, the two norm weights scaled by {@link Norm#normScale}. */
  private BlockWeights blockWeights(NDManager m, int layer) {
    String p = BlockWeights.prefix(layer);
    Function<String, NDArray> g = suffix -> params.get(p + suffix);
    float scale = norm.normScale(layer);
    NDArray inNorm = g.apply("input_layernorm.weight");
    NDArray postNorm = g.apply("post_attention_layernorm.weight");
    if (scale != 1f) {
      // REFERENCE.md: LNS multiplies both pre-norm outputs of block i by 1/sqrt(i+1).
      inNorm = m.create(scale).mul(inNorm);
      postNorm = m.create(scale).mul(postNorm);
    }
    return new BlockWeights(
        inNorm,
        postNorm,
        g.apply("self_attn.q_proj.weight"),
        g.apply("self_attn.q_proj.bias"),
        g.apply("self_attn.k_proj.weight"),
        g.apply("self_attn.k_proj.bias"),
        g.apply("self_attn.v_proj.weight"),
        g.apply("self_attn.v_proj.bias"),
        g.apply("self_attn.o_proj.weight"),
        g.apply("self_attn.o_proj.bias"),
        g.apply("self_attn.q_norm.weight"),
        g.apply("self_attn.k_norm.weight"),
        g.apply("mlp.gate_proj.weight"),
        g.apply("mlp.gate_proj.bias"),
        g.apply("mlp.up_proj.weight"),
        g.apply("mlp.up_proj.bias"),
        g.apply("mlp.down_proj.weight"),
        g.apply("mlp.down_proj.bias"),
        null,
        null);
  }

  /**
   * Writes the weights as {@code model.safetensors} (float32) in {@code dir}. For LNS the scale is
   * folded (REFERENCE.md): block i's two norm weights are multiplied by {@code 1/sqrt(i+1)}, in
   * float32 exactly as the forward multiplies them, so the export computes what was trained.
   */
  public void writeSafetensors(Path dir) throws IOException {
    SafetensorsWriter w = new SafetensorsWriter().metadata("format", "pt");
    for (Map.Entry<String, NDArray> e : params.entrySet()) {
      String name = e.getKey();
      float[] v = e.getValue().toFloatArray();
      int layer = layerOf(name);
      if (layer >= 0
          && (name.endsWith(".input_layernorm.weight")
              || name.endsWith(".post_attention_layernorm.weight"))) {
        float s = norm.normScale(layer);
        for (int i = 0; i < v.length; i++) {
          v[i] = s * v[i];
        }
      }
      w.addFloats(name, v, e.getValue().getShape().getShape());
    }
    w.write(dir.resolve(Checkpoint.SINGLE_FILE));
  }

  private static int layerOf(String name) {
    String p = "model.layers.";
    if (!name.startsWith(p)) {
      return -1;
    }
    return Integer.parseInt(name.substring(p.length(), name.indexOf('.', p.length())));
  }

  @Override
  public void close() {
    manager.close();
  }
}
