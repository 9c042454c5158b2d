package dev.depthscope.core.config;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/** Config rules shared by the MoE families of {@link ModelFamily}, and MoeConfig validation. */
final class MoeRules {
  /** Expert tensors named {@code mlp.experts.E.{gate,up,down}_proj} (all but Mixtral). */
  static final MoeConfig.TensorNames MLP_NAMES =
      new MoeConfig.TensorNames("mlp", "gate_proj", "up_proj", "down_proj");

  private MoeRules() {}

  static List<Integer> list(int[] layers) {
    return Arrays.stream(layers).boxed().toList();
  }

  /** Plain softmax top-k, no groups, no correction bias. */
  static MoeConfig.Router softmax(boolean normalize, double scaling) {
    return new MoeConfig.Router(
        MoeConfig.Scoring.SOFTMAX, normalize, scaling, MoeConfig.GroupScore.NONE, 1, 1, false);
  }

  /**
   * DeepSeek-V2/V3: {@code n_routed_experts} experts of width {@code moe_intermediate_size}, a
   * shared expert of width {@code moe_intermediate_size * n_shared_experts}, MoE from layer {@code
   * first_k_dense_replace} on ({@code DeepseekV3DecoderLayer}); the numbers are the transformers
   * defaults of the family.
   */
  static MoeConfig deepseek(
      ConfigJson c,
      int layers,
      int defaultExperts,
      int defaultShared,
      int defaultWidth,
      int defaultFirstDense,
      int topK,
      MoeConfig.Router router) {
    int width =
        ConfigLimits.intOr(
            c, "moe_intermediate_size", defaultWidth, 1, ConfigLimits.MAX_INTERMEDIATE);
    int shared =
        ConfigLimits.intOr(
            c, "n_shared_experts", defaultShared, 0, ConfigLimits.MAX_SHARED_EXPERTS);
    if ((long) width * shared > ConfigLimits.MAX_INTERMEDIATE) {
      throw new ConfigException(
          c.file()
              + ": the shared expert's width moe_intermediate_size * n_shared_experts = "
              + (long) width * shared
              + "; expected at most "
              + ConfigLimits.MAX_INTERMEDIATE);
    }
    int firstDense =
        ConfigLimits.intOr(
            c, "first_k_dense_replace", defaultFirstDense, 0, ConfigLimits.MAX_LAYERS);
    int[] sparse = IntStream.range(Math.min(firstDense, layers), layers).toArray();
    return check(
        c,
        new MoeConfig(
            ConfigLimits.intOr(c, "n_routed_experts", defaultExperts, 1, ConfigLimits.MAX_EXPERTS),
            topK,
            width,
            width * shared,
            list(sparse),
            router,
            MLP_NAMES));
  }

  /** {@code routed_scaling_factor}, a finite number > 0. */
  static double scaling(ConfigJson c, double fallback) {
    return ConfigLimits.positive(
        c, "routed_scaling_factor", c.doubleOr("routed_scaling_factor", fallback));
  }

  /** Rejects routing setups the routers cannot run, naming the file and field. */
  static MoeConfig check(ConfigJson c, MoeConfig m) {
    String f = c.file() + ": field ";
    if (m.numExperts() <= 0 || m.numExperts() > ConfigLimits.MAX_EXPERTS) {
      throw new ConfigException(
          c.file()
              + ": the number of experts (num_local_experts, num_experts or n_routed_experts)"
              + " is "
              + m.numExperts()
              + "; expected 1.."
              + ConfigLimits.MAX_EXPERTS);
    }
    if (m.topK() <= 0 || m.topK() > m.numExperts()) {
      throw new ConfigException(
          f
              + "\"num_experts_per_tok\" is "
              + m.topK()
              + "; it must be between 1 and the number of experts, "
              + m.numExperts());
    }
    if (m.expertIntermediateSize() <= 0
        || m.expertIntermediateSize() > ConfigLimits.MAX_INTERMEDIATE) {
      throw new ConfigException(
          f
              + "\"moe_intermediate_size\" is "
              + m.expertIntermediateSize()
              + "; expected 1.."
              + ConfigLimits.MAX_INTERMEDIATE);
    }
    MoeConfig.Router r = m.router();
    if (r.groupScore() != MoeConfig.GroupScore.NONE) {
      int groups = r.groups();
      if (groups <= 0 || m.numExperts() % groups != 0) {
        throw new ConfigException(
            f + "\"n_group\" is " + groups + "; it must divide the " + m.numExperts() + " experts");
      }
      int perGroup = m.numExperts() / groups;
      if (r.topKGroups() <= 0 || r.topKGroups() > groups) {
        throw new ConfigException(
            f + "\"topk_group\" is " + r.topKGroups() + "; it must be between 1 and n_group");
      }
      if ((long) r.topKGroups() * perGroup < m.topK()) {
        throw new ConfigException(
            f
                + "\"topk_group\" is "
                + r.topKGroups()
                + ": that many of n_group = "
                + groups
                + " groups of "
                + perGroup
                + " experts hold fewer than num_experts_per_tok = "
                + m.topK());
      }
      if (r.groupScore() == MoeConfig.GroupScore.TOP2_SUM && perGroup < 2) {
        throw new ConfigException(
            f + "\"n_group\" is " + groups + ": each group needs at least 2 experts");
      }
    }
    return m;
  }
}
