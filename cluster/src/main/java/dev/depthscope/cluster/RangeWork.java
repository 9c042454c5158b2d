package dev.depthscope.cluster;

import dev.depthscope.core.model.CausalLm;
import java.io.Serializable;
import java.util.List;

/**
 * What a Spark task does with its range of units (chunks of the audit's sweep, or batches of a
 * joint pass), with the model it opened on its executor. Shipped to the executors, so it must be
 * serializable and carry only what they need (token ids, never hidden states).
 *
 * @param <T> the serializable result of the range's units
 */
@FunctionalInterface
interface RangeWork<T extends Serializable> extends Serializable {
  /** The results of units {@code first .. end}, in order. */
  List<T> run(CausalLm lm, int first, int end);
}
