package dev.depthscope.core.config;

/**
 * Counts the parameters a {@link ModelConfig} implies, per block and in total. The arithmetic is in
 * {@code long} with overflow checks, although {@link ConfigLimits} keeps every count far below
 * {@link Long#MAX_VALUE}.
 */
final class ParameterCount {
  private ParameterCount() {}

  /** All parameters, or (when {@code activeOnly}) those one token uses. */
  static long total(ModelConfig c, boolean activeOnly) {
    long d = c.hiddenSize();
    long embed = mul(c.vocabSize(), d);
    long total = add(add(embed, c.tieWordEmbeddings() ? 0 : embed), d);
    long attention = attention(c);
    for (int l = 0; l < c.numLayers(); l++) {
      total = add(total, add(add(attention, mlp(c, l, activeOnly)), 2 * d));
    }
    return total;
  }

  /**
   * Rejects an architecture whose parameter count exceeds {@link ConfigLimits#MAX_PARAMETERS}, so
   * that byte counts derived from it (float32 weights, memory estimates) fit in a {@code long}.
   */
  static void checkTotal(ConfigJson json, ModelConfig c) {
    long n;
    try {
      n = total(c, false);
    } catch (ArithmeticException e) {
      n = Long.MAX_VALUE;
    }
    if (n > ConfigLimits.MAX_PARAMETERS) {
      throw new ConfigException(
          json.file()
              + ": the sizes imply "
              + (n == Long.MAX_VALUE ? "more than 2^63" : Long.toString(n))
              + " parameters; expected at most "
              + ConfigLimits.MAX_PARAMETERS
              + " (2^52)");
    }
  }

  static long attention(ModelConfig c) {
    long d = c.hiddenSize();
    MlaConfig m = c.mla();
    if (m != null) {
      long h = c.numHeads();
      long qk = mul(h, m.qkHeadDim());
      long q =
          m.lowRankQuery()
              ? add(add(mul(d, m.qLoraRank()), m.qLoraRank()), mul(m.qLoraRank(), qk))
              : mul(d, qk);
      long kvA = add(mul(d, (long) m.kvLoraRank() + m.qkRopeHeadDim()), m.kvLoraRank());
      long kvB = mul(m.kvLoraRank(), mul(h, (long) m.qkNopeHeadDim() + m.vHeadDim()));
      long o = mul(mul(h, m.vHeadDim()), d);
      long bias =
          m.bias()
              ? (m.lowRankQuery() ? m.qLoraRank() : 0) + (long) m.kvLoraRank() + m.qkRopeHeadDim()
              : 0;
      return add(add(add(add(q, kvA), add(kvB, o)), bias), c.outputBias() ? d : 0);
    }
    long q = mul(c.numHeads(), c.headDim());
    long kv = mul(c.numKvHeads(), c.headDim());
    long attn = add(add(mul(d, q), mul(2 * d, kv)), mul(q, d));
    if (c.qkvBias()) {
      attn = add(attn, add(q, 2 * kv));
    }
    if (c.outputBias()) {
      attn = add(attn, d);
    }
    if (c.qkNorm()) {
      attn = add(attn, 2L * c.headDim());
    }
    return attn;
  }

  static long mlp(ModelConfig c, int layer, boolean activeOnly) {
    long d = c.hiddenSize();
    if (!c.isMoeLayer(layer)) {
      long ff = c.intermediateSize();
      return add(mul(3 * d, ff), c.mlpBias() ? 2L * ff + d : 0);
    }
    MoeConfig m = c.moe();
    long experts = activeOnly ? m.topK() : m.numExperts();
    long router = add(mul(m.numExperts(), d), m.router().correctionBias() ? m.numExperts() : 0);
    return add(
        add(router, mul(experts, mul(3 * d, m.expertIntermediateSize()))),
        mul(3 * d, m.sharedIntermediateSize()));
  }

  private static long mul(long a, long b) {
    return Math.multiplyExact(a, b);
  }

  private static long add(long a, long b) {
    return Math.addExact(a, b);
  }
}
