package dev.depthscope.core.config;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import dev.depthscope.core.io.ReadErrors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The architecture of a decoder-only model, parsed once from {@code config.json}. Everything the
 * forward pass needs to know about a family is here as data.
 *
 * @param family the supported family ({@code model_type})
 * @param architecture {@code architectures[0]}, e.g. {@code LlamaForCausalLM}
 * @param vocabSize rows of the embedding and of the LM head
 * @param hiddenSize width D of the residual stream
 * @param intermediateSize width of the MLP
 * @param numLayers number of decoder blocks L
 * @param numHeads query heads
 * @param numKvHeads key/value heads (grouped-query when fewer than {@code numHeads})
 * @param headDim dimension of one head
 * @param rmsNormEps epsilon of every RMSNorm
 * @param maxPositionEmbeddings context length the model declares
 * @param tieWordEmbeddings whether the LM head reuses the embedding matrix
 * @param qkvBias bias on the q, k and v projections
 * @param outputBias bias on the attention output projection
 * @param mlpBias bias on the MLP projections
 * @param qkNorm RMSNorm over each head of q and k before RoPE (Qwen3)
 * @param slidingWindows per layer: the number of most recent positions a query may attend to
 *     (itself included), or 0 for full causal attention
 * @param rope rotary embedding parameters
 * @param moe the mixture-of-experts setup, or null for a dense model
 * @param mla the latent-attention (MLA) setup, or null for standard attention; with MLA, {@code
 *     headDim} is the RoPE width {@code qk_rope_head_dim}, as transformers sets it
 * @param torchDtype the {@code torch_dtype}/{@code dtype} the config declares (informational)
 * @param bosTokenId beginning-of-sequence id, or -1
 * @param eosTokenIds end-of-sequence ids (possibly several)
 * @param normScheme where each block's norms sit ({@code depthscope_norm_scheme}; PRE when absent)
 */
public record ModelConfig(
    ModelFamily family,
    String architecture,
    int vocabSize,
    int hiddenSize,
    int intermediateSize,
    int numLayers,
    int numHeads,
    int numKvHeads,
    int headDim,
    double rmsNormEps,
    int maxPositionEmbeddings,
    boolean tieWordEmbeddings,
    boolean qkvBias,
    boolean outputBias,
    boolean mlpBias,
    boolean qkNorm,
    int[] slidingWindows,
    RopeConfig rope,
    MoeConfig moe,
    MlaConfig mla,
    String torchDtype,
    int bosTokenId,
    List<Integer> eosTokenIds,
    NormScheme normScheme) {

  public ModelConfig {
    slidingWindows = slidingWindows.clone();
    eosTokenIds = List.copyOf(eosTokenIds);
  }

  /** A dense model with standard attention (the form before MoE and MLA were added). */
  public ModelConfig(
      ModelFamily family,
      String architecture,
      int vocabSize,
      int hiddenSize,
      int intermediateSize,
      int numLayers,
      int numHeads,
      int numKvHeads,
      int headDim,
      double rmsNormEps,
      int maxPositionEmbeddings,
      boolean tieWordEmbeddings,
      boolean qkvBias,
      boolean outputBias,
      boolean mlpBias,
      boolean qkNorm,
      int[] slidingWindows,
      RopeConfig rope,
      String torchDtype,
      int bosTokenId,
      List<Integer> eosTokenIds) {
    this(
        family,
        architecture,
        vocabSize,
        hiddenSize,
        intermediateSize,
        numLayers,
        numHeads,
        numKvHeads,
        headDim,
        rmsNormEps,
        maxPositionEmbeddings,
        tieWordEmbeddings,
        qkvBias,
        outputBias,
        mlpBias,
        qkNorm,
        slidingWindows,
        rope,
        null,
        null,
        torchDtype,
        bosTokenId,
        eosTokenIds,
        NormScheme.PRE);
  }

  @Override
  public int[] slidingWindows() {
    return slidingWindows.clone();
  }

  /** The window of {@code layer}, 0 for full attention. */
  public int slidingWindow(int layer) {
    return slidingWindows[layer];
  }

  /** The {@code model_type}. */
  public String modelType() {
    return family.modelType();
  }

  /** Reads and validates {@code dir/config.json}. */
  public static ModelConfig load(Path dir) {
    Path file = dir.resolve("config.json");
    String text;
    try {
      text = Files.readString(file);
    } catch (IOException e) {
      throw new ConfigException(ReadErrors.ioMessage(file, e), e);
    }
    JsonElement root;
    try {
      root = JsonParser.parseString(text);
    } catch (JsonSyntaxException e) {
      throw new ConfigException(file + ": " + ReadErrors.json(e));
    }
    if (!root.isJsonObject()) {
      throw new ConfigException(file + ": expected a JSON object");
    }
    return parse(new ConfigJson(file, root.getAsJsonObject()));
  }

  static ModelConfig parse(ConfigJson c) {
    String modelType = c.stringOr("model_type", null);
    if (modelType == null) {
      throw new ConfigException(
          c.file()
              + ": field \"model_type\" is missing (supported: "
              + String.join(", ", ModelFamily.supportedTypes())
              + ")");
    }
    ModelFamily family = ModelFamily.of(modelType, c);
    if (c.has("quantization_config")) {
      // GPTQ, AWQ, bitsandbytes and FP8 releases store packed integers or 8-bit floats with
      // scales in place of the weight tensors; refused here, before any tensor is looked for.
      String method =
          c.root().get("quantization_config").isJsonObject()
              ? c.object("quantization_config").stringOr("quant_method", "unnamed")
              : "unnamed";
      throw new ConfigException(
          c.file()
              + ": field \"quantization_config\" (quant_method \""
              + method
              + "\") marks a quantized checkpoint, which depthscope does not load (it needs F32,"
              + " F16 or BF16 weights); audit the model's unquantized release");
    }
    List<String> archs = c.strings("architectures");
    String architecture = archs == null || archs.isEmpty() ? modelType : archs.get(0);
    // Every size is range-checked here, before any array is sized from it (see ConfigLimits).
    int hidden = ConfigLimits.require(c, "hidden_size", 1, ConfigLimits.MAX_HIDDEN);
    int heads = ConfigLimits.require(c, "num_attention_heads", 1, ConfigLimits.MAX_HEADS);
    int layers = ConfigLimits.require(c, "num_hidden_layers", 1, ConfigLimits.MAX_LAYERS);
    int vocab = ConfigLimits.require(c, "vocab_size", 1, ConfigLimits.MAX_VOCAB);
    int intermediate =
        ConfigLimits.require(c, "intermediate_size", 1, ConfigLimits.MAX_INTERMEDIATE);
    int kvHeads = ConfigLimits.intOr(c, "num_key_value_heads", heads, 1, heads);
    if (heads % kvHeads != 0) {
      throw new ConfigException(
          c.file()
              + ": field \"num_key_value_heads\" is "
              + kvHeads
              + "; it must divide num_attention_heads = "
              + heads);
    }
    int headDim = family.headDim(c, hidden, heads);
    if (headDim <= 0 || headDim > ConfigLimits.MAX_HEAD_DIM || headDim % 2 != 0) {
      throw new ConfigException(
          c.file()
              + ": head_dim is "
              + headDim
              + "; expected an even number in 2.."
              + ConfigLimits.MAX_HEAD_DIM
              + " (RoPE pairs)");
    }
    int maxPos =
        ConfigLimits.intOr(
            c,
            "max_position_embeddings",
            family.defaultMaxPositions(),
            1,
            ConfigLimits.MAX_POSITIONS);
    double eps = ConfigLimits.open(c, "rms_norm_eps", c.doubleOr("rms_norm_eps", 1e-6), 0, 1);
    ModelFamily.Biases biases = family.biases(c);
    int[] windows = family.slidingWindows(c, layers);
    for (int w : windows) {
      ConfigLimits.range(c, "sliding_window", w, 0, ConfigLimits.MAX_POSITIONS);
    }
    List<Integer> bos = c.intList("bos_token_id");
    RopeConfig rope = RopeParser.parse(c, maxPos);
    ModelConfig config =
        new ModelConfig(
            family,
            architecture,
            vocab,
            hidden,
            intermediate,
            layers,
            heads,
            kvHeads,
            headDim,
            eps,
            maxPos,
            c.boolOr("tie_word_embeddings", false),
            biases.qkv(),
            biases.output(),
            biases.mlp(),
            family.qkNorm(),
            windows,
            rope,
            family.moe(c, layers),
            family.mla(c, rope),
            c.has("torch_dtype") ? c.stringOr("torch_dtype", "") : c.stringOr("dtype", "unknown"),
            bos.isEmpty() ? -1 : bos.get(0),
            c.intList("eos_token_id"),
            NormScheme.parse(c.stringOr(NormScheme.CONFIG_FIELD, null), c.file().toString()));
    ParameterCount.checkTotal(c, config);
    return config;
  }

  /**
   * Number of parameters implied by the architecture (the LM head counted once when tied; every
   * expert of every MoE layer counted).
   */
  public long parameterCount() {
    return ParameterCount.total(this, false);
  }

  /**
   * Parameters one token actually uses: like {@link #parameterCount()} but with only {@code topK}
   * routed experts per MoE layer (router and shared expert included). Equal to {@link
   * #parameterCount()} for dense models.
   */
  public long activeParameterCount() {
    return ParameterCount.total(this, true);
  }

  /** Whether {@code layer}'s MLP is a mixture of experts. */
  public boolean isMoeLayer(int layer) {
    return moe != null && moe.isMoe(layer);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelConfig m
        && family == m.family
        && architecture.equals(m.architecture)
        && vocabSize == m.vocabSize
        && hiddenSize == m.hiddenSize
        && intermediateSize == m.intermediateSize
        && numLayers == m.numLayers
        && numHeads == m.numHeads
        && numKvHeads == m.numKvHeads
        && headDim == m.headDim
        && rmsNormEps == m.rmsNormEps
        && maxPositionEmbeddings == m.maxPositionEmbeddings
        && tieWordEmbeddings == m.tieWordEmbeddings
        && qkvBias == m.qkvBias
        && outputBias == m.outputBias
        && mlpBias == m.mlpBias
        && qkNorm == m.qkNorm
        && Arrays.equals(slidingWindows, m.slidingWindows)
        && rope.equals(m.rope)
        && java.util.Objects.equals(moe, m.moe)
        && java.util.Objects.equals(mla, m.mla)
        && torchDtype.equals(m.torchDtype)
        && bosTokenId == m.bosTokenId
        && eosTokenIds.equals(m.eosTokenIds)
        && normScheme == m.normScheme;
  }

  @Override
  public int hashCode() {
    return family.hashCode() * 31 + hiddenSize * 17 + numLayers;
  }
}
