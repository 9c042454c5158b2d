package dev.depthscope.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.depthscope.core.checkpoint.Checkpoint;
import dev.depthscope.core.checkpoint.CheckpointException;
import dev.depthscope.core.checkpoint.TensorInfo;
import dev.depthscope.core.config.ModelConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A decoder-only causal language model of a supported family, backed by a memory-mapped checkpoint.
 * It can embed token ids, run any single block (so callers can run any range of blocks from a given
 * hidden state, or skip one), and apply the final norm and LM head. All math is float32, on the
 * device the model was opened on: the CPU unless {@link #open(Path, Consumer, Residency, Device)}
 * names another. Every array the model makes comes from sub-managers of its root manager, so it
 * lives on that device; results reach Java (traces, NLLs, routing) by copying back.
 *
 * <p>Block weights are loaded on first use and kept; every tensor the config implies is checked
 * (presence and shape) when the model opens, so a broken checkpoint fails before any work starts.
 */
public final class CausalLm implements AutoCloseable {
  /** Upper bound on one LM-head slice in bytes; larger vocabularies are processed in slices. */
  public static final long HEAD_SLICE_BYTES = LmHead.SLICE_BYTES;

  /** Upper bound on the logits of one chunk of positions for one head slice ({@link LmHead}). */
  public static final long HEAD_CHUNK_BYTES = LmHead.CHUNK_BYTES;

  private static final Pattern LAYER_NAME = Pattern.compile("model\\.layers\\.(\\d{1,9})\\.");

  private final ModelConfig config;
  private final Checkpoint checkpoint;
  private final WeightLoader loader;
  private final NDManager manager;
  private final BlockWeights[] blocks;
  private final TensorInfo embedding;
  private final boolean resident;
  private final LmHead lmHead;
  // Streaming mode keeps only the most recently used block.
  private int cachedLayer = -1;
  private NDManager cachedManager;
  private BlockWeights cached;
  private long blockLoads;

  /**
   * How block weights are held. {@code RESIDENT} loads each block once and keeps it (fastest when
   * every weight fits in memory as float32); {@code STREAMING} keeps only the block in use and
   * loads (and converts) the next one from the memory-mapped checkpoint when asked for it, so a
   * model larger than memory runs; block-major callers such as the pruning sweep then load each
   * block once.
   */
  public enum Residency {
    /** Keep every block once loaded. */
    RESIDENT,
    /** Keep only the block in use. */
    STREAMING
  }

  private CausalLm(ModelConfig config, Checkpoint checkpoint, Residency residency, Device device) {
    this.resident = residency == Residency.RESIDENT;
    this.config = config;
    this.checkpoint = checkpoint;
    this.loader = new WeightLoader(checkpoint);
    long v = config.vocabSize();
    long d = config.hiddenSize();
    this.embedding = checkpoint.require("model.embed_tokens.weight", v, d);
    boolean ownHead = !config.tieWordEmbeddings() && checkpoint.contains("lm_head.weight");
    if (!config.tieWordEmbeddings() && !ownHead) {
      checkpoint.require("lm_head.weight");
    }
    String headName = ownHead ? "lm_head.weight" : "model.embed_tokens.weight";
    checkpoint.require(headName, v, d);
    checkpoint.require("model.norm.weight", d);
    for (int l = 0; l < config.numLayers(); l++) {
      for (Map.Entry<String, long[]> e : BlockWeights.spec(config, l).entrySet()) {
        TensorInfo t = checkpoint.require(e.getKey(), e.getValue());
        if (!t.dtype().isFloatWeight()) {
          throw new CheckpointException(
              t.file()
                  + ": tensor \""
                  + t.name()
                  + "\" has dtype "
                  + t.dtype()
                  + "; expected F32, F16 or BF16");
        }
      }
    }
    this.manager = Engines.newManager(device);
    this.blocks = new BlockWeights[config.numLayers()];
    this.lmHead = new LmHead(config, checkpoint, loader, manager, headName, resident);
  }

  /**
   * Opens the model in {@code dir} ({@code config.json} + safetensors); informational notices (such
   * as skipped multi-token-prediction layers) go to standard error.
   */
  public static CausalLm open(Path dir) {
    return open(dir, System.err::println);
  }

  /**
   * Opens the model in {@code dir}, sending informational notices to {@code notices}. Tensors of
   * layers numbered {@code >= num_hidden_layers} (DeepSeek-V3's multi-token-prediction layers,
   * {@code num_nextn_predict_layers}) are not part of next-token prediction: they are skipped with
   * one notice, as transformers ignores them.
   */
  public static CausalLm open(Path dir, Consumer<String> notices) {
    return open(dir, notices, Residency.RESIDENT);
  }

  /** Opens the model in {@code dir} on the CPU, holding block weights as {@code residency} says. */
  public static CausalLm open(Path dir, Consumer<String> notices, Residency residency) {
    return open(dir, notices, residency, Device.cpu());
  }

  /**
   * Opens the model in {@code dir} holding block weights as {@code residency} says, with its
   * weights and activations on {@code device} ({@code Device.gpu()} needs a CUDA build of libtorch
   * and a GPU).
   */
  public static CausalLm open(
      Path dir, Consumer<String> notices, Residency residency, Device device) {
    java.util.Objects.requireNonNull(device, "device");
    ModelConfig config = ModelConfig.load(dir);
    Checkpoint checkpoint = Checkpoint.open(dir);
    try {
      CheckpointAgreement.check(config, checkpoint);
      noticeExtraLayers(config, checkpoint, notices);
      return new CausalLm(config, checkpoint, residency, device);
    } catch (RuntimeException e) {
      checkpoint.close();
      throw e;
    }
  }

  private static void noticeExtraLayers(
      ModelConfig config, Checkpoint checkpoint, Consumer<String> notices) {
    java.util.TreeSet<Integer> extra = new java.util.TreeSet<>();
    int tensors = 0;
    for (String name : checkpoint.tensors().keySet()) {
      Matcher m = LAYER_NAME.matcher(name);
      if (m.lookingAt() && Long.parseLong(m.group(1)) >= config.numLayers()) {
        extra.add(Integer.parseInt(m.group(1)));
        tensors++;
      }
    }
    if (!extra.isEmpty()) {
      notices.accept(
          "note: skipping "
              + tensors
              + " tensors of "
              + extra.size()
              + " layer(s) beyond num_hidden_layers = "
              + config.numLayers()
              + " (model.layers."
              + (extra.size() == 1 ? extra.first() : extra.first() + ".." + extra.last())
              + ".*; multi-token prediction, num_nextn_predict_layers), not used for next-token"
              + " prediction");
    }
  }

  /** The architecture. */
  public ModelConfig config() {
    return config;
  }

  /** The weights on disk. */
  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /** The model's long-lived manager (weights live here). */
  public NDManager manager() {
    return manager;
  }

  /** The device the weights live and the math runs on. */
  public Device device() {
    return manager.getDevice();
  }

  /** Checks ids are a non-empty rectangle of in-vocabulary tokens. */
  public void validateIds(long[][] ids) {
    if (ids.length == 0 || ids[0].length == 0) {
      throw new IllegalArgumentException("token ids are empty");
    }
    int t = ids[0].length;
    for (int r = 0; r < ids.length; r++) {
      if (ids[r].length != t) {
        throw new IllegalArgumentException(
            "token id rows differ in length: row 0 has "
                + t
                + ", row "
                + r
                + " has "
                + ids[r].length);
      }
      for (int i = 0; i < t; i++) {
        if (ids[r][i] < 0 || ids[r][i] >= config.vocabSize()) {
          throw new IllegalArgumentException(
              "token id "
                  + ids[r][i]
                  + " at row "
                  + r
                  + ", position "
                  + i
                  + " is outside the vocabulary (0.."
                  + (config.vocabSize() - 1)
                  + ")");
        }
      }
    }
  }

  /** h_0: the embedding rows of {@code ids}, {@code [B, T, D]} in {@code m}. */
  public NDArray embed(NDManager m, long[][] ids) {
    validateIds(ids);
    int b = ids.length;
    int t = ids[0].length;
    int d = config.hiddenSize();
    float[] out = new float[Math.multiplyExact(Math.multiplyExact(b, t), d)];
    for (int r = 0; r < b; r++) {
      for (int i = 0; i < t; i++) {
        loader.readRow(embedding, ids[r][i], out, (r * t + i) * d);
      }
    }
    return m.create(out, new Shape(b, t, d));
  }

  /** The attention tables and masks for sequences of {@code seqLen} tokens. */
  public AttentionInputs attentionInputs(NDManager m, int seqLen) {
    return new AttentionInputs(m, config, seqLen);
  }

  /** The attention tables and masks for the packed rows of {@code layout}. */
  public AttentionInputs attentionInputs(NDManager m, PackedLayout layout) {
    return new AttentionInputs(m, config, layout);
  }

  /**
   * The weights of block {@code layer}: loaded on first use and kept when resident; when streaming,
   * loaded unless it is the block in use, replacing (and freeing) that one.
   */
  public synchronized BlockWeights blockWeights(int layer) {
    if (resident) {
      if (blocks[layer] == null) {
        blocks[layer] = BlockWeights.load(loader, config, layer, manager);
        blockLoads++;
      }
      return blocks[layer];
    }
    if (cachedLayer != layer) {
      if (cachedManager != null) {
        cachedManager.close();
      }
      cachedLayer = -1;
      cachedManager = manager.newSubManager();
      cached = BlockWeights.load(loader, config, layer, cachedManager);
      // The block is now float32 in native memory; its mapped bf16 pages need not stay resident.
      checkpoint.releaseMappings();
      cachedLayer = layer;
      blockLoads++;
    }
    return cached;
  }

  /** How many times block weights were read from the checkpoint (for streaming diagnostics). */
  public synchronized long blockLoads() {
    return blockLoads;
  }

  /** Whether block weights are kept once loaded. */
  public boolean resident() {
    return resident;
  }

  /**
   * Runs block {@code layer} on {@code h [B, T, D]}; the result lives in {@code h}'s manager and
   * every intermediate is freed.
   *
   * @throws NonFiniteException naming the block when its output holds NaN or infinity
   */
  public NDArray block(int layer, NDArray h, AttentionInputs att) {
    return block(layer, h, att, null);
  }

  /**
   * Runs block {@code layer} like {@link #block(int, NDArray, AttentionInputs)} and, when the layer
   * is a mixture of experts and {@code sink} is not null, adds how many tokens each expert received
   * to {@code sink} (dense layers add nothing). Create the sink with {@code new
   * ExpertLoad(model.config())}; reuse it across blocks and batches to accumulate load.
   */
  public NDArray block(int layer, NDArray h, AttentionInputs att, ExpertLoad sink) {
    BlockWeights w = blockWeights(layer);
    NDManager target = h.getManager();
    try (NDManager sub = target.newSubManager()) {
      h.tempAttach(sub);
      NDArray out = DecoderBlock.forward(config, layer, w, h, att, sink);
      Finite.requireHidden(out, layer);
      out.attach(target);
      return out;
    }
  }

  /** Runs blocks {@code from} (inclusive) to {@code to} (exclusive) on {@code h}. */
  public NDArray blocks(int from, int to, NDArray h, AttentionInputs att) {
    return blocks(from, to, h, att, null);
  }

  /**
   * Runs blocks {@code from} (inclusive) to {@code to} (exclusive) on {@code h}, adding the expert
   * load of their MoE layers to {@code sink} (may be null).
   */
  public NDArray blocks(int from, int to, NDArray h, AttentionInputs att, ExpertLoad sink) {
    NDArray x = h;
    for (int l = from; l < to; l++) {
      NDArray next = block(l, x, att, sink);
      if (x != h) {
        x.close();
      }
      x = next;
    }
    return x;
  }

  /** What the head computes for a batch. */
  public record HeadOutput(float[] tokenNll, float[] logitsLast) {}

  /**
   * Applies the final norm and the LM head to h_L {@code [B, T, D]}: the next-token NLL at
   * positions 0..T-2 ({@code [B, T-1]}, nats) and the logits at position T-1 ({@code [B, V]}).
   * Large vocabularies are processed in slices whose log-sum-exp is merged in float64.
   *
   * @throws NonFiniteException when an NLL is NaN or infinite
   */
  public HeadOutput head(NDArray hLast, long[][] ids) {
    return lmHead.head(hLast, ids, true, null);
  }

  /**
   * Only the next-token NLL of {@link #head}, {@code [B, T-1]} in nats: what a caller that scores
   * many hidden states (the pruning sweep) needs, without extracting the last-position logits.
   */
  public float[] tokenNll(NDArray hLast, long[][] ids) {
    return lmHead.head(hLast, ids, false, null).tokenNll();
  }

  /**
   * What the logit lens needs from the head: the next-token NLL of {@link #tokenNll} and, at the
   * same positions, the most likely next token (the argmax of the logits, the lowest id on ties),
   * both {@code [B * (T-1)]}.
   */
  public record Top1Output(float[] tokenNll, int[] top1) {}

  /** {@link #tokenNll} together with each position's argmax token (see {@link Top1Output}). */
  public Top1Output tokenNllTop1(NDArray h, long[][] ids) {
    int[] top1 = new int[ids.length * ids[0].length];
    float[] nll = lmHead.head(h, ids, false, top1).tokenNll();
    int t = ids[0].length;
    int[] out = new int[ids.length * (t - 1)];
    for (int r = 0; r < ids.length; r++) {
      System.arraycopy(top1, r * t, out, r * (t - 1), t - 1);
    }
    return new Top1Output(nll, out);
  }

  /**
   * The final norm applied to hidden states {@code h} ({@code [n * D]} values, row-wise), as the LM
   * head applies it: what Hugging Face {@code output_hidden_states[-1]} holds for h_L.
   */
  public float[] finalNorm(float[] h) {
    return lmHead.finalNorm(h);
  }

  /**
   * The NLL (nats) of token {@code target[k]} at flat position {@code index[k]} (row-major over the
   * {@code [B, T]} positions of {@code h [B, T, D]}), for each k: the final norm and LM head run
   * only at the positions asked for. A position may be asked for several times, with different
   * targets.
   *
   * @throws NonFiniteException when an NLL is NaN or infinite, naming the batch row of the first
   */
  public float[] nllAt(NDArray h, long[] index, long[] target) {
    return lmHead.nllAt(h, index, target);
  }

  /**
   * {@link #head(NDArray, long[][])} with the vocabulary slice and position chunk sizes given, so
   * tests can run the slicing and chunking paths on tiny models.
   */
  HeadOutput head(NDArray hLast, long[][] ids, boolean withLogitsLast, int slice, long chunkBytes) {
    return lmHead.sized(slice, chunkBytes).head(hLast, ids, withLogitsLast, null);
  }

  /** {@link #nllAt(NDArray, long[], long[])} with the head's slice and chunk sizes given. */
  float[] nllAt(NDArray h, long[] index, long[] target, int slice, long chunkBytes) {
    return lmHead.sized(slice, chunkBytes).nllAt(h, index, target);
  }

  /**
   * One full forward pass keeping every hidden state, the token NLL, the last logits and, for MoE
   * layers, the tokens each expert received.
   */
  public Trace trace(long[][] ids) {
    return trace(ids, layer -> {});
  }

  /** {@link #trace(long[][])}, telling {@code blockDone} the index of each block as it finishes. */
  public Trace trace(long[][] ids, java.util.function.IntConsumer blockDone) {
    validateIds(ids);
    int b = ids.length;
    int t = ids[0].length;
    int layers = config.numLayers();
    float[][] hidden = new float[layers + 1][];
    ExpertLoad load = new ExpertLoad(config);
    try (NDManager m = manager.newSubManager();
        AttentionInputs att = attentionInputs(m, t)) {
      NDArray h = embed(m, ids);
      hidden[0] = h.toFloatArray();
      for (int l = 0; l < layers; l++) {
        NDArray next = block(l, h, att, load);
        h.close();
        h = next;
        hidden[l + 1] = h.toFloatArray();
        blockDone.accept(l);
      }
      HeadOutput out = head(h, ids);
      return new Trace(
          layers,
          b,
          t,
          config.hiddenSize(),
          config.vocabSize(),
          hidden,
          out.tokenNll(),
          out.logitsLast(),
          load.toArray());
    }
  }

  @Override
  public void close() {
    manager.close();
    checkpoint.close();
  }
}
