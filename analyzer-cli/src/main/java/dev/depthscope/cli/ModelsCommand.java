package dev.depthscope.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code depthscope models}: the supported families and the config keys each one reads. */
@Command(
    name = "models",
    mixinStandardHelpOptions = true,
    description = "List the supported model families (config.json model_type) and their keys.",
    footer = {"", "Examples:", "  depthscope models", "  depthscope models --json"})
final class ModelsCommand implements Callable<Integer> {
  private static final String[][] FAMILIES = {
    {
      "llama",
      "Llama 2, Llama 3.x",
      "attention_bias, mlp_bias, head_dim, rope_theta/rope_scaling or rope_parameters"
          + " (default, linear, dynamic, llama3, yarn), tie_word_embeddings"
    },
    {"mistral", "Mistral", "sliding_window (every layer), head_dim"},
    {
      "qwen2",
      "Qwen2, Qwen2.5",
      "q/k/v bias; use_sliding_window, sliding_window, max_window_layers, layer_types"
    },
    {"qwen3", "Qwen3 dense", "q_norm/k_norm per head, head_dim (default 128), attention_bias"},
    {"mixtral", "Mixtral", "num_local_experts, num_experts_per_tok, sliding_window"},
    {
      "qwen3_moe",
      "Qwen3 MoE",
      "num_experts, num_experts_per_tok, norm_topk_prob, moe_intermediate_size,"
          + " decoder_sparse_step, mlp_only_layers"
    },
    {
      "deepseek_v2",
      "DeepSeek-V2",
      "q_lora_rank, kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim, v_head_dim,"
          + " n_routed_experts, n_shared_experts, topk_method, n_group, topk_group,"
          + " routed_scaling_factor, first_k_dense_replace, moe_layer_freq"
    },
    {
      "deepseek_v3",
      "DeepSeek-V3, R1",
      "as deepseek_v2 plus rope_interleave, sigmoid scoring with e_score_correction_bias,"
          + " norm_topk_prob, num_nextn_predict_layers (skipped)"
    },
  };

  /** Keys every family reads. */
  private static final List<String> COMMON_KEYS =
      List.of(
          "vocab_size",
          "hidden_size",
          "intermediate_size",
          "num_hidden_layers",
          "num_attention_heads",
          "num_key_value_heads",
          "rms_norm_eps",
          "max_position_embeddings",
          "bos_token_id",
          "eos_token_id",
          "torch_dtype/dtype");

  private static final String CHECKPOINTS =
      "safetensors (single or sharded), F32, F16 or BF16; computed in float32";

  /**
   * One supported family in {@code models --json}.
   *
   * @param modelType config.json's model_type
   * @param examples model names of the family
   * @param configKeys the family-specific config keys read, as a sentence
   */
  record Family(String modelType, String examples, String configKeys) {}

  /**
   * What {@code models --json} prints.
   *
   * @param families the supported families
   * @param commonKeys the config keys every family reads
   * @param checkpoints the checkpoint formats and dtypes that load
   */
  record Listing(List<Family> families, List<String> commonKeys, String checkpoints) {}

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    if (output.json) {
      List<Family> families = new ArrayList<>();
      for (String[] f : FAMILIES) {
        families.add(new Family(f[0], f[1], f[2]));
      }
      output.printJson(new Listing(families, COMMON_KEYS, CHECKPOINTS));
      return 0;
    }
    PrintWriter o = output.out();
    o.printf("%-12s %-20s %s%n", "model_type", "examples", "family-specific config keys");
    for (String[] f : FAMILIES) {
      o.printf("%-12s %-20s %s%n", f[0], f[1], f[2]);
    }
    o.println();
    o.println("Every family also reads: " + String.join(", ", COMMON_KEYS) + ".");
    o.println("Checkpoints: " + CHECKPOINTS + ".");
    o.flush();
    return 0;
  }
}
