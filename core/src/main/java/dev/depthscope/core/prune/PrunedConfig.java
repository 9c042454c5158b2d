package dev.depthscope.core.prune;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.depthscope.core.config.ModelConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code config.json} of a pruned model: {@code num_hidden_layers} reduced and every per-layer rule
 * of the family rewritten for the new numbering, so each remaining block keeps its attention window
 * and its dense or mixture-of-experts MLP. The rewritten rules:
 *
 * <ul>
 *   <li>{@code layer_types} (any family): the kept blocks' entries;
 *   <li>Qwen2/Qwen3 {@code max_window_layers} (sliding window from that layer on): the number of
 *       kept blocks below it;
 *   <li>Qwen MoE {@code mlp_only_layers} / {@code decoder_sparse_step}: step 1 and the new indices
 *       of the kept dense blocks;
 *   <li>DeepSeek {@code first_k_dense_replace}: the number of kept blocks below it ({@code
 *       moe_layer_freq} other than 1 is refused); {@code num_nextn_predict_layers} becomes 0, since
 *       the multi-token-prediction layers are dropped.
 * </ul>
 *
 * Any other top-level list with one entry per layer is refused, naming the field, rather than left
 * wrong. {@link #verify} then checks the written config against the original block by block.
 */
final class PrunedConfig {
  private PrunedConfig() {}

  /** Fields this class rewrites or knows to hold no per-layer list. */
  private static final Set<String> KNOWN =
      Set.of("layer_types", "mlp_only_layers", "architectures", "bos_token_id", "eos_token_id");

  /**
   * The rewritten config.
   *
   * @param file the original config.json (for messages)
   * @param original its JSON
   * @param parsed its parsed form
   * @param kept the original indices of the blocks that stay, ascending
   */
  static JsonObject rewrite(
      Path file,
      JsonObject original,
      ModelConfig parsed,
      List<Integer> kept,
      Consumer<String> notices) {
    int layers = parsed.numLayers();
    JsonObject c = original.deepCopy();
    c.addProperty("num_hidden_layers", kept.size());
    for (Map.Entry<String, JsonElement> e : original.entrySet()) {
      JsonElement v = e.getValue();
      if (v.isJsonArray() && v.getAsJsonArray().size() == layers && !KNOWN.contains(e.getKey())) {
        throw new IllegalArgumentException(
            file
                + ": field \""
                + e.getKey()
                + "\" has one entry per layer and depthscope does not know how to renumber it;"
                + " refusing to write a config whose remaining blocks could change behaviour");
      }
    }
    if (original.has("layer_types") && original.get("layer_types").isJsonArray()) {
      JsonArray types = original.getAsJsonArray("layer_types");
      JsonArray out = new JsonArray();
      kept.forEach(l -> out.add(types.get(l)));
      c.add("layer_types", out);
    }
    String type = parsed.modelType();
    boolean qwenDense = type.equals("qwen2") || type.equals("qwen3");
    if (qwenDense && !original.has("layer_types")) {
      // Sliding window from max_window_layers on (transformers' default 28 when absent).
      int first =
          original.has("max_window_layers") ? original.get("max_window_layers").getAsInt() : 28;
      c.addProperty("max_window_layers", kept.stream().filter(l -> l < first).count());
    }
    if (parsed.moe() != null && type.startsWith("qwen")) {
      JsonArray dense = new JsonArray();
      for (int j = 0; j < kept.size(); j++) {
        if (!parsed.isMoeLayer(kept.get(j))) {
          dense.add(j);
        }
      }
      c.add("mlp_only_layers", dense);
      c.addProperty("decoder_sparse_step", 1);
    }
    if (type.startsWith("deepseek")) {
      if (original.has("moe_layer_freq") && original.get("moe_layer_freq").getAsInt() != 1) {
        throw new IllegalArgumentException(
            file
                + ": field \"moe_layer_freq\" is "
                + original.get("moe_layer_freq")
                + "; only 1 can be renumbered after pruning");
      }
      // The dense blocks are a prefix, so the kept ones are a prefix of the kept blocks.
      c.addProperty(
          "first_k_dense_replace", kept.stream().filter(l -> !parsed.isMoeLayer(l)).count());
    }
    if (original.has("num_nextn_predict_layers")
        && original.get("num_nextn_predict_layers").getAsInt() > 0) {
      notices.accept(
          "dropping the "
              + original.get("num_nextn_predict_layers")
              + " multi-token-prediction layer(s) (model.layers."
              + layers
              + ".*); num_nextn_predict_layers is set to 0");
      c.addProperty("num_nextn_predict_layers", 0);
    }
    return c;
  }

  /**
   * Checks that block j of {@code pruned} behaves as block {@code kept[j]} of {@code original}: the
   * same attention window and the same kind of MLP.
   */
  static void verify(ModelConfig original, ModelConfig pruned, List<Integer> kept) {
    if (pruned.numLayers() != kept.size()) {
      throw new IllegalStateException(
          "pruned config has " + pruned.numLayers() + " layers, expected " + kept.size());
    }
    for (int j = 0; j < kept.size(); j++) {
      int l = kept.get(j);
      if (pruned.slidingWindow(j) != original.slidingWindow(l)) {
        throw new IllegalArgumentException(
            "the sliding-window rule of "
                + original.modelType()
                + " cannot give new block "
                + j
                + " (old block "
                + l
                + ") its window of "
                + original.slidingWindow(l)
                + " (field \"layer_types\" / \"max_window_layers\")");
      }
      if (pruned.isMoeLayer(j) != original.isMoeLayer(l)) {
        throw new IllegalArgumentException(
            "the MoE layer rule of "
                + original.modelType()
                + " cannot keep new block "
                + j
                + " (old block "
                + l
                + ") "
                + (original.isMoeLayer(l) ? "a mixture of experts" : "dense")
                + " (fields \"first_k_dense_replace\" / \"mlp_only_layers\")");
      }
    }
  }
}
