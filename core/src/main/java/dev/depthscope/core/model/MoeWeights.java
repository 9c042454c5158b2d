package dev.depthscope.core.model;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * The float32 weights of one MoE layer: the router, the routed experts (SwiGLU, no biases) and the
 * optional shared expert. Names follow {@link dev.depthscope.core.config.MoeConfig.TensorNames}.
 *
 * @param router {@code gate.weight} {@code [E, D]}: router logits are {@code x router^T}
 * @param correctionBias {@code gate.e_score_correction_bias} {@code [E]} (DeepSeek-V3), else null
 * @param gates per expert, the gate projection {@code [I, D]}
 * @param ups per expert, the up projection {@code [I, D]}
 * @param downs per expert, the down projection {@code [D, I]}
 * @param sharedGate the shared expert's {@code gate_proj} {@code [I_s, D]}, or null
 * @param sharedUp the shared expert's {@code up_proj}, or null
 * @param sharedDown the shared expert's {@code down_proj}, or null
 */
public record MoeWeights(
    NDArray router,
    NDArray correctionBias,
    List<NDArray> gates,
    List<NDArray> ups,
    List<NDArray> downs,
    NDArray sharedGate,
    NDArray sharedUp,
    NDArray sharedDown) {

  public MoeWeights {
    gates = List.copyOf(gates);
    ups = List.copyOf(ups);
    downs = List.copyOf(downs);
  }
}
