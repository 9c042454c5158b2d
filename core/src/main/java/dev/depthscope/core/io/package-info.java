/**
 * File helpers shared by every reader of user input (checkpoints, configs, tokenizers, evaluation
 * data, audits): the words for why a file could not be read, so each error names the file once and
 * carries no library exception text; and by every writer of results: output sets staged and swapped
 * in whole under a lock ({@link dev.depthscope.core.io.OutputSet}), and the one-line error of a
 * write that failed ({@link dev.depthscope.core.io.OutputWriteException}).
 */
package dev.depthscope.core.io;
