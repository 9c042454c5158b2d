package dev.depthscope.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The supported {@code model_type}s and everything in which their configs differ: defaults, biases,
 * q/k norms, which layers attend through a sliding window, latent attention (MLA) and mixtures of
 * experts (see {@link MoeRules} and {@link MlaRules} for the shared DeepSeek rules). The forward
 * pass is shared; a family is data. Each rule follows the family's transformers 5.x configuration
 * and modeling files.
 */
public enum ModelFamily {
  /** Llama 2/3: {@code attention_bias} on q/k/v/o, {@code mlp_bias} on the MLP, no window. */
  LLAMA("llama", 2048) {
    @Override
    Biases biases(ConfigJson c) {
      boolean attn = c.boolOr("attention_bias", false);
      return new Biases(attn, attn, c.boolOr("mlp_bias", false));
    }
  },
  /**
   * Mistral: no biases; every layer uses {@code sliding_window} when it is set (null means none; an
   * absent field means MistralConfig's default 4096).
   */
  MISTRAL("mistral", 4096 * 32) {
    @Override
    int[] slidingWindows(ConfigJson c, int layers) {
      int[] w = new int[layers];
      Arrays.fill(w, slidingWindow(c));
      return w;
    }
  },
  /** Qwen2: bias on q/k/v (not o); window per {@code layer_types} when enabled. */
  QWEN2("qwen2", 32768) {
    @Override
    Biases biases(ConfigJson c) {
      return new Biases(true, false, false);
    }

    @Override
    int[] slidingWindows(ConfigJson c, int layers) {
      return qwenWindows(c, layers);
    }
  },
  /**
   * Qwen3: RMSNorm on q and k per head; {@code head_dim} defaults to 128; {@code attention_bias} on
   * q/k/v/o.
   */
  QWEN3("qwen3", 32768) {
    @Override
    Biases biases(ConfigJson c) {
      boolean attn = c.boolOr("attention_bias", false);
      return new Biases(attn, attn, false);
    }

    @Override
    boolean qkNorm() {
      return true;
    }

    @Override
    int headDim(ConfigJson c, int hidden, int heads) {
      return ConfigLimits.intOr(c, "head_dim", 128, 2, ConfigLimits.MAX_HEAD_DIM);
    }

    @Override
    int[] slidingWindows(ConfigJson c, int layers) {
      return qwenWindows(c, layers);
    }
  },
  /**
   * Mixtral: Mistral attention; every layer is a MoE whose experts ({@code w1}/{@code w3}/{@code
   * w2} under {@code block_sparse_moe}) have width {@code intermediate_size}; softmax router whose
   * top-k weights are always renormalised ({@code MixtralTopKRouter}).
   */
  MIXTRAL("mixtral", 4096 * 32) {
    @Override
    int[] slidingWindows(ConfigJson c, int layers) {
      // MixtralConfig: sliding_window defaults to None (unlike Mistral's 4096).
      int[] w = new int[layers];
      Arrays.fill(w, c.intOr("sliding_window", 0));
      return w;
    }

    @Override
    MoeConfig moe(ConfigJson c, int layers) {
      int experts = ConfigLimits.intOr(c, "num_local_experts", 8, 1, ConfigLimits.MAX_EXPERTS);
      int[] all = java.util.stream.IntStream.range(0, layers).toArray();
      return MoeRules.check(
          c,
          new MoeConfig(
              experts,
              ConfigLimits.intOr(c, "num_experts_per_tok", 2, 1, experts),
              c.requireInt("intermediate_size"),
              0,
              MoeRules.list(all),
              MoeRules.softmax(true, 1.0),
              new MoeConfig.TensorNames("block_sparse_moe", "w1", "w3", "w2")));
    }
  },
  /**
   * Qwen3-MoE: Qwen3 attention (q/k norm, {@code attention_bias} on q/k/v/o, {@code head_dim}
   * defaulting to hidden/heads); layer l is a MoE unless listed in {@code mlp_only_layers} or
   * {@code (l + 1) % decoder_sparse_step != 0}; softmax router, {@code norm_topk_prob}.
   */
  QWEN3_MOE("qwen3_moe", 32768) {
    @Override
    boolean qkNorm() {
      return true;
    }

    @Override
    Biases biases(ConfigJson c) {
      boolean attn = c.boolOr("attention_bias", false);
      return new Biases(attn, attn, false);
    }

    @Override
    int[] slidingWindows(ConfigJson c, int layers) {
      // Qwen3MoeConfig: sliding_window only with use_sliding_window, then on every layer.
      int[] w = new int[layers];
      if (c.boolOr("use_sliding_window", false)) {
        Arrays.fill(w, c.intOr("sliding_window", DEFAULT_SLIDING_WINDOW));
      }
      return w;
    }

    @Override
    MoeConfig moe(ConfigJson c, int layers) {
      int experts =
          c.has("num_local_experts")
              ? ConfigLimits.intOr(c, "num_local_experts", 0, 0, ConfigLimits.MAX_EXPERTS)
              : ConfigLimits.intOr(c, "num_experts", 128, 0, ConfigLimits.MAX_EXPERTS);
      int step = ConfigLimits.intOr(c, "decoder_sparse_step", 1, 1, ConfigLimits.MAX_LAYERS);
      java.util.Set<Integer> mlpOnly = new java.util.HashSet<>(c.intList("mlp_only_layers"));
      if (experts == 0) {
        return null;
      }
      int[] sparse =
          java.util.stream.IntStream.range(0, layers)
              .filter(l -> !mlpOnly.contains(l) && (l + 1) % step == 0)
              .toArray();
      return MoeRules.check(
          c,
          new MoeConfig(
              experts,
              ConfigLimits.intOr(c, "num_experts_per_tok", 8, 1, experts),
              ConfigLimits.intOr(c, "moe_intermediate_size", 768, 1, ConfigLimits.MAX_INTERMEDIATE),
              0,
              MoeRules.list(sparse),
              MoeRules.softmax(c.boolOr("norm_topk_prob", false), 1.0),
              MoeRules.MLP_NAMES));
    }
  },
  /**
   * DeepSeek-V2: MLA attention (RoPE on interleaved pairs, always), dense MLP in the first {@code
   * first_k_dense_replace} layers, then MoE with shared experts; softmax router, {@code greedy} or
   * {@code group_limited_greedy}, weights never renormalised ({@code norm_topk_prob} is ignored by
   * {@code DeepseekV2TopkRouter}), times {@code routed_scaling_factor}.
   */
  DEEPSEEK_V2("deepseek_v2", 2048) {
    @Override
    Biases biases(ConfigJson c) {
      if (c.boolOr("mlp_bias", false)) {
        throw new ConfigException(
            c.file() + ": field \"mlp_bias\" = true is not supported for deepseek_v2");
      }
      return new Biases(false, c.boolOr("attention_bias", false), false);
    }

    @Override
    int headDim(ConfigJson c, int hidden, int heads) {
      return MlaRules.ropeHeadDim(c);
    }

    @Override
    MlaConfig mla(ConfigJson c, RopeConfig rope) {
      return MlaRules.parse(c, rope, true);
    }

    @Override
    MoeConfig moe(ConfigJson c, int layers) {
      String method = c.stringOr("topk_method", "greedy");
      MoeConfig.Router router =
          switch (method) {
            case "greedy" -> MoeRules.softmax(false, MoeRules.scaling(c, 1.0));
            case "group_limited_greedy" ->
                new MoeConfig.Router(
                    MoeConfig.Scoring.SOFTMAX,
                    false,
                    MoeRules.scaling(c, 1.0),
                    MoeConfig.GroupScore.MAX,
                    ConfigLimits.require(c, "n_group", 1, ConfigLimits.MAX_EXPERTS),
                    ConfigLimits.require(c, "topk_group", 1, ConfigLimits.MAX_EXPERTS),
                    false);
            default ->
                throw new ConfigException(
                    c.file()
                        + ": field \"topk_method\" is \""
                        + method
                        + "\"; supported: greedy, group_limited_greedy");
          };
      return MoeRules.deepseek(
          c,
          layers,
          64,
          2,
          1407,
          0,
          ConfigLimits.require(c, "num_experts_per_tok", 1, ConfigLimits.MAX_EXPERTS),
          router);
    }
  },
  /**
   * DeepSeek-V3: MLA attention (interleaved RoPE when {@code rope_interleave}, the default), dense
   * MLP in the first {@code first_k_dense_replace} layers, then MoE with shared experts; sigmoid
   * router with {@code e_score_correction_bias} and group-limited top-k ({@code
   * DeepseekV3TopkRouter}).
   */
  DEEPSEEK_V3("deepseek_v3", 4096) {
    @Override
    Biases biases(ConfigJson c) {
      return new Biases(false, c.boolOr("attention_bias", false), false);
    }

    @Override
    int headDim(ConfigJson c, int hidden, int heads) {
      return MlaRules.ropeHeadDim(c);
    }

    @Override
    MlaConfig mla(ConfigJson c, RopeConfig rope) {
      return MlaRules.parse(c, rope, c.boolOr("rope_interleave", true));
    }

    @Override
    MoeConfig moe(ConfigJson c, int layers) {
      MoeConfig.Router router =
          new MoeConfig.Router(
              MoeConfig.Scoring.SIGMOID,
              c.boolOr("norm_topk_prob", true),
              MoeRules.scaling(c, 2.5),
              MoeConfig.GroupScore.TOP2_SUM,
              ConfigLimits.intOr(c, "n_group", 8, 1, ConfigLimits.MAX_EXPERTS),
              ConfigLimits.intOr(c, "topk_group", 4, 1, ConfigLimits.MAX_EXPERTS),
              true);
      return MoeRules.deepseek(
          c,
          layers,
          256,
          1,
          2048,
          3,
          ConfigLimits.intOr(c, "num_experts_per_tok", 8, 1, ConfigLimits.MAX_EXPERTS),
          router);
    }
  };

  /** Which projections carry a bias. */
  record Biases(boolean qkv, boolean output, boolean mlp) {}

  /**
   * transformers' default {@code sliding_window} (Mistral, Qwen2, Qwen3) when the field is absent.
   */
  static final int DEFAULT_SLIDING_WINDOW = 4096;

  private final String modelType;
  private final int defaultMaxPositions;

  ModelFamily(String modelType, int defaultMaxPositions) {
    this.modelType = modelType;
    this.defaultMaxPositions = defaultMaxPositions;
  }

  /** The {@code model_type} value in {@code config.json}. */
  public String modelType() {
    return modelType;
  }

  /** The family for {@code modelType}, or an error naming the file and the supported types. */
  static ModelFamily of(String modelType, ConfigJson c) {
    for (ModelFamily f : values()) {
      if (f.modelType.equals(modelType)) {
        return f;
      }
    }
    throw new ConfigException(
        c.file()
            + ": model_type \""
            + modelType
            + "\" is not supported (supported: "
            + supportedTypes().stream().collect(Collectors.joining(", "))
            + ")");
  }

  /** The family's default {@code max_position_embeddings} when the field is absent. */
  int defaultMaxPositions() {
    return defaultMaxPositions;
  }

  /** {@code sliding_window}: 0 when null, the transformers default when absent. */
  static int slidingWindow(ConfigJson c) {
    return c.root().has("sliding_window") ? c.intOr("sliding_window", 0) : DEFAULT_SLIDING_WINDOW;
  }

  /** All supported {@code model_type} values. */
  public static List<String> supportedTypes() {
    return Arrays.stream(values()).map(ModelFamily::modelType).toList();
  }

  Biases biases(ConfigJson c) {
    return new Biases(false, false, false);
  }

  boolean qkNorm() {
    return false;
  }

  int headDim(ConfigJson c, int hidden, int heads) {
    if (!c.has("head_dim") && hidden % heads != 0) {
      throw new ConfigException(
          c.file()
              + ": field \"num_attention_heads\" is "
              + heads
              + "; it must divide hidden_size = "
              + hidden
              + " when head_dim is not given");
    }
    return ConfigLimits.intOr(c, "head_dim", hidden / heads, 2, ConfigLimits.MAX_HEAD_DIM);
  }

  /** The mixture-of-experts setup, or null for a dense family. */
  MoeConfig moe(ConfigJson c, int layers) {
    return null;
  }

  /** The latent-attention setup, or null for standard attention. */
  MlaConfig mla(ConfigJson c, RopeConfig rope) {
    return null;
  }

  /** Window size per layer, 0 for full causal attention. */
  int[] slidingWindows(ConfigJson c, int layers) {
    return new int[layers];
  }

  /**
   * Qwen2/3: {@code sliding_window} counts only with {@code use_sliding_window}; explicit {@code
   * layer_types} say which layers use it, else layers from {@code max_window_layers} on do.
   */
  private static int[] qwenWindows(ConfigJson c, int layers) {
    int window = c.boolOr("use_sliding_window", false) ? slidingWindow(c) : 0;
    List<String> types = c.strings("layer_types");
    int[] w = new int[layers];
    if (types != null) {
      if (types.size() != layers) {
        throw new ConfigException(
            c.file()
                + ": field \"layer_types\" has "
                + types.size()
                + " entries, expected num_hidden_layers = "
                + layers);
      }
      for (int i = 0; i < layers; i++) {
        String t = types.get(i);
        if (t.equals("sliding_attention")) {
          w[i] = window;
        } else if (!t.equals("full_attention")) {
          throw new ConfigException(
              c.file()
                  + ": field \"layer_types\"["
                  + i
                  + "] is \""
                  + t
                  + "\", expected full_attention or sliding_attention");
        }
      }
      return w;
    }
    int firstSliding = ConfigLimits.intOr(c, "max_window_layers", 28, 0, ConfigLimits.MAX_LAYERS);
    for (int i = firstSliding; i < layers; i++) {
      w[i] = window;
    }
    return w;
  }
}
