/**
 * File-reading helpers shared by every reader of user input (checkpoints, configs, tokenizers,
 * evaluation data, audits): the words for why a file could not be read, so each error names the
 * file once and carries no library exception text.
 */
package dev.depthscope.core.io;
