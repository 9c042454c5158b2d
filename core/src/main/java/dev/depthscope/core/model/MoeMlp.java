package dev.depthscope.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import dev.depthscope.core.config.ModelConfig;
import dev.depthscope.core.config.MoeConfig;

/**
 * A mixture-of-experts MLP: route every token to {@code topK} experts ({@link Router}), run each
 * expert once on all the tokens routed to it (gathered into one matrix), weight the outputs and sum
 * them per token, then add the shared expert if there is one. This is {@code MixtralSparseMoeBlock}
 * / {@code Qwen3MoeSparseMoeBlock} / {@code DeepseekV3MoE} of transformers; only the summation
 * order of a token's expert outputs differs (slot order here, expert order there).
 */
final class MoeMlp {
  private MoeMlp() {}

  /**
   * Runs the MoE MLP of {@code layer} on {@code x [B, T, D]}, adding each expert's token count to
   * {@code sink} when it is not null.
   */
  static NDArray forward(ModelConfig c, int layer, MoeWeights w, NDArray x, ExpertLoad sink) {
    MoeConfig moe = c.moe();
    int experts = moe.numExperts();
    int k = moe.topK();
    Shape shape = x.getShape();
    long d = shape.get(shape.dimension() - 1);
    int n = Math.toIntExact(shape.size() / d);
    NDManager m = x.getManager();
    NDArray flat = x.reshape(n, d);

    float[] logits = flat.matMul(w.router().transpose()).toFloatArray();
    float[] bias = w.correctionBias() == null ? null : w.correctionBias().toFloatArray();
    Router.Routing r = new Router(moe.router(), experts, k).route(logits, n, bias);
    long[] load = r.load(experts);
    if (sink != null) {
      sink.add(layer, load);
    }

    // Order the (token, slot) pairs by expert (a counting sort); rowOf[pair] is the pair's row
    // in the concatenated expert outputs.
    int[] start = new int[experts + 1];
    for (int e = 0; e < experts; e++) {
      start[e + 1] = start[e] + (int) load[e];
    }
    int[] next = start.clone();
    long[] tokenOfRow = new long[n * k];
    long[] rowOf = new long[n * k];
    for (int pair = 0; pair < n * k; pair++) {
      int row = next[r.experts()[pair]]++;
      tokenOfRow[row] = pair / k;
      rowOf[pair] = row;
    }
    NDList outputs = new NDList();
    for (int e = 0; e < experts; e++) {
      if (load[e] == 0) {
        continue;
      }
      long[] tokens = java.util.Arrays.copyOfRange(tokenOfRow, start[e], start[e + 1]);
      NDArray routed = flat.get(m.create(tokens));
      outputs.add(swiGlu(routed, w.gates().get(e), w.ups().get(e), w.downs().get(e)));
    }
    NDArray byExpert = outputs.size() == 1 ? outputs.get(0) : NDArrays.concat(outputs, 0);
    NDArray perSlot = byExpert.get(m.create(rowOf)).reshape(n, k, d);
    NDArray weights = m.create(r.weights(), new Shape(n, k, 1));
    NDArray out = perSlot.mul(weights).sum(new int[] {1});
    if (w.sharedGate() != null) {
      out = out.add(swiGlu(flat, w.sharedGate(), w.sharedUp(), w.sharedDown()));
    }
    return out.reshape(shape);
  }

  /** {@code down(silu(gate(x)) * up(x))} without biases. */
  private static NDArray swiGlu(NDArray x, NDArray gate, NDArray up, NDArray down) {
    NDArray g = DecoderBlock.linear(x, gate, null);
    NDArray act = g.mul(Activation.sigmoid(g)).mul(DecoderBlock.linear(x, up, null));
    return DecoderBlock.linear(act, down, null);
  }
}
