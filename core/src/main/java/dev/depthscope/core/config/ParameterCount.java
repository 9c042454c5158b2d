package dev.depthscope.core.config;

/** Counts the parameters a {@link ModelConfig} implies, per block and in total. */
final class ParameterCount {
  private ParameterCount() {}

  /** All parameters, or (when {@code activeOnly}) those one token uses. */
  static long total(ModelConfig c, boolean activeOnly) {
    long d = c.hiddenSize();
    long embed = (long) c.vocabSize() * d;
    long total = embed + (c.tieWordEmbeddings() ? 0 : embed) + d;
    for (int l = 0; l < c.numLayers(); l++) {
      total += attention(c) + mlp(c, l, activeOnly) + 2 * d;
    }
    return total;
  }

  static long attention(ModelConfig c) {
    long d = c.hiddenSize();
    MlaConfig m = c.mla();
    if (m != null) {
      long h = c.numHeads();
      long q =
          m.lowRankQuery()
              ? d * m.qLoraRank() + m.qLoraRank() + (long) m.qLoraRank() * h * m.qkHeadDim()
              : d * h * m.qkHeadDim();
      long kvA = d * (m.kvLoraRank() + m.qkRopeHeadDim()) + m.kvLoraRank();
      long kvB = (long) m.kvLoraRank() * h * (m.qkNopeHeadDim() + m.vHeadDim());
      long o = h * m.vHeadDim() * d;
      long bias =
          m.bias()
              ? (m.lowRankQuery() ? m.qLoraRank() : 0) + m.kvLoraRank() + m.qkRopeHeadDim()
              : 0;
      return q + kvA + kvB + o + bias + (c.outputBias() ? d : 0);
    }
    long q = (long) c.numHeads() * c.headDim();
    long kv = (long) c.numKvHeads() * c.headDim();
    long attn = d * q + 2 * d * kv + q * d;
    if (c.qkvBias()) {
      attn += q + 2 * kv;
    }
    if (c.outputBias()) {
      attn += d;
    }
    if (c.qkNorm()) {
      attn += 2L * c.headDim();
    }
    return attn;
  }

  static long mlp(ModelConfig c, int layer, boolean activeOnly) {
    long d = c.hiddenSize();
    if (!c.isMoeLayer(layer)) {
      long ff = c.intermediateSize();
      return 3 * d * ff + (c.mlpBias() ? 2L * ff + d : 0);
    }
    MoeConfig m = c.moe();
    long experts = activeOnly ? m.topK() : m.numExperts();
    long router = (long) m.numExperts() * d + (m.router().correctionBias() ? m.numExperts() : 0);
    return router
        + experts * 3 * d * m.expertIntermediateSize()
        + 3 * d * m.sharedIntermediateSize();
  }
}
