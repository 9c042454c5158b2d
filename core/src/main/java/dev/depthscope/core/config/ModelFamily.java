package dev.depthscope.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The supported {@code model_type}s and everything in which their configs differ: defaults, biases,
 * q/k norms and which layers attend through a sliding window. The forward pass is shared; a family
 * is data. Each rule follows the family's transformers 5.x configuration and modeling files.
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
      return c.intOr("head_dim", 128);
    }

    @Override
    int[] slidingWindows(ConfigJson c, int layers) {
      return qwenWindows(c, layers);
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
    return c.intOr("head_dim", hidden / heads);
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
    int firstSliding = c.intOr("max_window_layers", 28);
    for (int i = firstSliding; i < layers; i++) {
      w[i] = window;
    }
    return w;
  }
}
