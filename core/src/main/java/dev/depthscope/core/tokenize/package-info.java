/**
 * Text to token ids and back for Hugging Face model directories ({@code tokenizer.json} plus {@code
 * tokenizer_config.json}), through DJL's binding of the Rust {@code tokenizers} library. {@link
 * dev.depthscope.core.tokenize.TextTokenizer} is the entry point.
 */
package dev.depthscope.core.tokenize;
