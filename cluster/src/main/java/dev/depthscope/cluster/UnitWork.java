package dev.depthscope.cluster;

import dev.depthscope.core.model.CausalLm;
import java.io.Serializable;

/**
 * What a Spark task does with each unit of work (a chunk of the audit's batches) it was given, with
 * the model it opened on its executor. Shipped to the executors, so it must be serializable and
 * carry only what they need (token ids, never hidden states).
 *
 * @param <T> the serializable result of one unit
 */
@FunctionalInterface
interface UnitWork<T extends Serializable> extends Serializable {
  /** The result of unit {@code unit}. */
  T run(CausalLm lm, int unit);
}
