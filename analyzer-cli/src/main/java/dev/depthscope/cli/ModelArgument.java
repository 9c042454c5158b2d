package dev.depthscope.cli;

import dev.depthscope.core.checkpoint.ModelLocator;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The MODEL positional argument shared by commands, a directory or {@code org/name}, with {@code
 * --revision} to pick a snapshot of a cache entry. The locator comes from {@link Main}'s factory,
 * so tests can point it at a fake cache.
 */
final class ModelArgument {
  private final ModelLocator locator;

  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description =
          "Model directory (config.json + safetensors), or org/name from the local Hugging Face"
              + " cache ($HF_HUB_CACHE, else $HF_HOME/hub, default ~/.cache/huggingface/hub)."
              + " Never downloads.")
  String spec;

  @Option(
      names = "--revision",
      paramLabel = "REV",
      description =
          "For org/name: the cache snapshot to use, a 40-hex commit hash or a ref name such as"
              + " main (default: the snapshot refs/main names, else the newest).")
  String revision;

  ModelArgument(ModelLocator locator) {
    this.locator = locator;
  }

  /** The model directory and what to call the model ({@code org/name} for a cache entry). */
  ModelLocator.Located locate() {
    return locator.locate(spec, revision);
  }

  /** The resolved model directory. */
  Path resolve() {
    return locate().dir();
  }
}
