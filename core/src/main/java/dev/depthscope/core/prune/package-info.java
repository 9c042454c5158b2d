/**
 * Writing a pruned model: a Hugging Face model directory with chosen blocks removed, its config
 * rewritten so the remaining blocks keep their behaviour and its tensors copied byte for byte.
 */
package dev.depthscope.core.prune;
