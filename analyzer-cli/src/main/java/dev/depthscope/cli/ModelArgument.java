package dev.depthscope.cli;

import dev.depthscope.core.checkpoint.ModelLocator;
import java.nio.file.Path;
import picocli.CommandLine.Parameters;

/** The MODEL positional argument shared by commands: a directory or {@code org/name}. */
final class ModelArgument {
  @Parameters(
      index = "0",
      paramLabel = "MODEL",
      description =
          "Model directory (config.json + safetensors), or org/name from the local Hugging Face"
              + " cache ($HF_HOME/hub, default ~/.cache/huggingface/hub). Never downloads.")
  String spec;

  /** The resolved model directory. */
  Path resolve() {
    return new ModelLocator().resolve(spec);
  }
}
