/**
 * Retrains small Llama-style decoders with DJL autograd (float32) under several norm schemes
 * (Pre-LN, LayerNorm Scaling, Post-LN, Mix-LN) so their depth behaviour can be compared. The
 * optimizer, clipping, schedule, data order and eval loss follow {@code shared/docs/REFERENCE.md}
 * exactly, and the forward pass is core's {@link dev.depthscope.core.model.DecoderBlock}.
 */
package dev.depthscope.trainer.train;
