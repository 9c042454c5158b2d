package dev.depthscope.core.config;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Seeded one-field (or one-rule) mutations of a valid {@code config.json}, by class, for {@link
 * ConfigFuzzTest}. Each mutation records the field it touched so the test can check that an error
 * names it.
 */
final class ConfigMutations {
  /** What kind of damage a mutation does. */
  enum Kind {
    HUGE,
    NEGATIVE,
    ZERO,
    FLOAT,
    STRING,
    NULL,
    MISSING,
    NESTED_GARBAGE,
    NON_DIVIDING_HEADS,
    EPS_OUT_OF_RANGE,
    ROPE_FACTOR_NOT_POSITIVE,
    ROPE_THETA_NOT_POSITIVE,
    YARN_ORIGINAL_NOT_POSITIVE,
    MOE_TOPK_ABOVE_EXPERTS,
    MLA_INCONSISTENT,
    LAYER_TYPES_WRONG,
    EXTREME_LAYERS_OR_EXPERTS,
    SHAPE_DISAGREES
  }

  /**
   * One mutated config.
   *
   * @param kind the class
   * @param field the field it changed (dotted inside RoPE dicts)
   * @param json the mutated config
   */
  record Mutation(Kind kind, String field, JsonObject json) {}

  /** Every integer-valued size, count or id the parsers read, whether or not a fixture sets it. */
  static final List<String> NUMERIC_FIELDS =
      List.of(
          "vocab_size",
          "hidden_size",
          "intermediate_size",
          "num_hidden_layers",
          "num_attention_heads",
          "num_key_value_heads",
          "head_dim",
          "max_position_embeddings",
          "rms_norm_eps",
          "rope_theta",
          "partial_rotary_factor",
          "sliding_window",
          "max_window_layers",
          "bos_token_id",
          "eos_token_id",
          "num_local_experts",
          "num_experts",
          "n_routed_experts",
          "num_experts_per_tok",
          "moe_intermediate_size",
          "n_shared_experts",
          "first_k_dense_replace",
          "decoder_sparse_step",
          "n_group",
          "topk_group",
          "routed_scaling_factor",
          "q_lora_rank",
          "kv_lora_rank",
          "qk_nope_head_dim",
          "qk_rope_head_dim",
          "qk_head_dim",
          "v_head_dim");

  private static final List<String> EXPERT_FIELDS =
      List.of("num_local_experts", "num_experts", "n_routed_experts");

  private final Random rnd;

  ConfigMutations(long seed) {
    this.rnd = new Random(seed);
  }

  /** A mutation of class {@code kind} of {@code base} (which is not modified). */
  Mutation mutate(Kind kind, JsonObject base) {
    JsonObject o = base.deepCopy();
    // Mostly a field the fixture sets (so its family reads it), sometimes any known one.
    List<String> present = NUMERIC_FIELDS.stream().filter(base::has).toList();
    String f = rnd.nextInt(4) > 0 && !present.isEmpty() ? pick(present) : pick(NUMERIC_FIELDS);
    switch (kind) {
      case HUGE ->
          set(o, f, pick("2147483647", "100000000", "2147483648", "1099511627776", "1e300"));
      case NEGATIVE -> set(o, f, pick("-1", "-2147483648", "-0.5", "-1e300"));
      case ZERO -> set(o, f, pick("0", "0.0"));
      case FLOAT -> set(o, f, pick("2.5", "1e-3", "63.999"));
      case STRING -> set(o, f, pick("\"64\"", "\"abc\"", "\"\""));
      case NULL -> o.add(f, JsonNull.INSTANCE);
      case MISSING -> o.remove(f);
      case NESTED_GARBAGE -> {
        f = rnd.nextInt(3) == 0 ? ropeKey(o) : f;
        set(
            o,
            f,
            pick(
                "{}",
                "[]",
                "[1, 2]",
                "{\"a\": {\"b\": [null, {}]}}",
                "true",
                "{\"rope_type\": {}}",
                "{\"rope_type\": \"yarn\", \"factor\": []}",
                "{\"rope_type\": \"llama3\", \"factor\": 8}"));
      }
      case NON_DIVIDING_HEADS -> {
        int heads = intOf(o, "num_attention_heads", 4);
        int kv = intOf(o, "num_key_value_heads", heads);
        int hidden = intOf(o, "hidden_size", 64);
        switch (rnd.nextInt(3)) {
          case 0 -> {
            f = "num_key_value_heads";
            o.addProperty(f, kv + 1 + rnd.nextInt(3));
          }
          case 1 -> {
            f = "num_attention_heads";
            o.addProperty(f, heads + 1);
          }
          default -> {
            f = "hidden_size";
            o.remove("head_dim");
            o.addProperty(f, hidden + 1);
          }
        }
      }
      case EPS_OUT_OF_RANGE -> {
        f = "rms_norm_eps";
        set(o, f, pick("0", "1", "-1e-5", "2", "1e300", "1.0"));
      }
      case ROPE_FACTOR_NOT_POSITIVE -> {
        f = "factor";
        String type = pick("linear", "dynamic", "llama3", "yarn");
        JsonObject r = rope(type);
        r.add("factor", num(pick("0", "-1", "-1e-9", "0.0")));
        o.add(ropeKey(o), r);
      }
      case ROPE_THETA_NOT_POSITIVE -> {
        f = "rope_theta";
        JsonElement v = num(pick("0", "-10000", "-1e-9"));
        if (rnd.nextBoolean()) {
          o.add("rope_theta", v);
          o.remove("rope_parameters");
          o.remove("rope_scaling");
        } else {
          JsonObject r = rope("default");
          r.add("rope_theta", v);
          o.add(ropeKey(o), r);
        }
      }
      case YARN_ORIGINAL_NOT_POSITIVE -> {
        f = "original_max_position_embeddings";
        JsonObject r = rope(pick("yarn", "llama3"));
        r.add(f, num(pick("0", "-1", "-4096")));
        o.add(ropeKey(o), r);
      }
      case MOE_TOPK_ABOVE_EXPERTS -> {
        f = "num_experts_per_tok";
        int experts = 8;
        for (String e : EXPERT_FIELDS) {
          experts = o.has(e) && !o.get(e).isJsonNull() ? intOf(o, e, experts) : experts;
        }
        o.addProperty(f, experts + 1 + rnd.nextInt(4));
      }
      case MLA_INCONSISTENT -> {
        f = pick("qk_head_dim", "kv_lora_rank", "q_lora_rank", "qk_rope_head_dim", "v_head_dim");
        switch (f) {
          case "qk_head_dim" -> o.addProperty(f, intOf(o, f, 32) + 2);
          case "qk_rope_head_dim" -> o.addProperty(f, pick(15, 0, 2048));
          default -> o.addProperty(f, pick(0, -1, 1 << 20, intOf(o, f, 32) * 2));
        }
      }
      case LAYER_TYPES_WRONG -> {
        f = "layer_types";
        int layers = intOf(o, "num_hidden_layers", 4);
        JsonArray types = new JsonArray();
        int n = layers + pick(-1, 1, 5);
        for (int i = 0; i < Math.max(n, 0); i++) {
          types.add(i == 0 && rnd.nextBoolean() ? "chunked_attention" : "full_attention");
        }
        o.add(f, types);
      }
      case EXTREME_LAYERS_OR_EXPERTS -> {
        List<String> experts = EXPERT_FIELDS.stream().filter(base::has).toList();
        f = experts.isEmpty() || rnd.nextBoolean() ? "num_hidden_layers" : pick(experts);
        set(o, f, pick("2147483647", "100000000"));
      }
      case SHAPE_DISAGREES -> {
        f = pick("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers");
        int v = intOf(o, f, 64);
        o.addProperty(f, pick(v + 1, v * 2, Math.max(v / 2, 1), v + 2));
      }
      default -> throw new IllegalStateException(kind.name());
    }
    return new Mutation(kind, f, o);
  }

  private static void set(JsonObject o, String field, String json) {
    o.add(field, JsonParser.parseString(json));
  }

  private static JsonElement num(String text) {
    return JsonParser.parseString(text);
  }

  /** Where the config keeps its RoPE dict (rope_parameters unless it uses rope_scaling). */
  private static String ropeKey(JsonObject o) {
    return o.has("rope_scaling") && o.get("rope_scaling").isJsonObject()
        ? "rope_scaling"
        : "rope_parameters";
  }

  /** A complete RoPE dict of {@code type}. */
  private static JsonObject rope(String type) {
    JsonObject r = new JsonObject();
    r.addProperty("rope_type", type);
    r.addProperty("rope_theta", 10000.0);
    r.addProperty("factor", 4.0);
    if (type.equals("llama3")) {
      r.addProperty("low_freq_factor", 1.0);
      r.addProperty("high_freq_factor", 4.0);
    }
    if (type.equals("llama3") || type.equals("yarn")) {
      r.addProperty("original_max_position_embeddings", 128);
    }
    return r;
  }

  private static int intOf(JsonObject o, String field, int fallback) {
    JsonElement e = o.get(field);
    if (e instanceof JsonPrimitive p && p.isNumber()) {
      return p.getAsInt();
    }
    return fallback;
  }

  @SafeVarargs
  private <T> T pick(T... options) {
    return options[rnd.nextInt(options.length)];
  }

  private <T> T pick(List<T> options) {
    return options.get(rnd.nextInt(options.size()));
  }

  /** Whether {@code kind} only means something for a config of {@code modelType}. */
  static boolean fits(Kind kind, String modelType) {
    return switch (kind) {
      case MLA_INCONSISTENT -> modelType.startsWith("deepseek");
      case MOE_TOPK_ABOVE_EXPERTS ->
          modelType.startsWith("deepseek")
              || modelType.contains("moe")
              || modelType.equals("mixtral");
      case LAYER_TYPES_WRONG -> modelType.startsWith("qwen2") || modelType.equals("qwen3");
      default -> true;
    };
  }

  /** All classes, each {@code perKind} times, in a seeded order. */
  List<Kind> schedule(int perKind) {
    List<Kind> out = new ArrayList<>();
    for (int i = 0; i < perKind; i++) {
      out.addAll(List.of(Kind.values()));
    }
    java.util.Collections.shuffle(out, rnd);
    return out;
  }
}
