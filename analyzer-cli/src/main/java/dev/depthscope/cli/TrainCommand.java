package dev.depthscope.cli;

import ai.djl.Device;
import dev.depthscope.core.io.OutputSet;
import dev.depthscope.trainer.train.Norm;
import dev.depthscope.trainer.train.TrainResult;
import dev.depthscope.trainer.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code depthscope train}: trains one small Llama-style model with a chosen norm scheme and
 * exports it as a Hugging Face checkpoint with its training curves.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Train a small Llama-style model with a chosen norm scheme.",
      "",
      "Train a small Llama-style decoder (float32, DJL autograd) with a norm scheme:",
      "pre (Pre-LN), lns (Pre-LN + LayerNorm Scaling 1/sqrt(i+1)), post (Post-LN),",
      "mix (Mix-LN: first floor(L/4) blocks Post-LN). Writes OUT/curves.json and OUT/model/.",
      "post and mix exports carry \"depthscope_norm_scheme\": only depthscope loads them."
    },
    footer = {
      "",
      "Examples:",
      "  # the parity-6L reference run",
      "  depthscope train --norm lns \\",
      "      --init testdata/trainer-reference/parity-6L/init \\",
      "      --train-tokens testdata/data/brown-bpe-4096/brown-train.u16 \\",
      "      --eval-tokens testdata/data/brown-bpe-4096/brown-eval.u16 --out runs/lns",
      "  # a 12-layer model from text, machine-readable result on stdout",
      "  depthscope train --norm pre --layers 12 --text testdata/data/brown-eval.txt \\",
      "      --tokenizer testdata/data/brown-bpe-4096 --out runs/pre12 --json"
    })
final class TrainCommand implements Callable<Integer> {
  @Option(
      names = "--norm",
      defaultValue = "pre",
      description = "pre, lns, post or mix (default ${DEFAULT-VALUE}).")
  String norm;

  @Mixin TrainOptions options;

  @Mixin OutputOptions output;

  @Mixin DeviceOption device;

  @Override
  public Integer call() throws IOException {
    Device d = device.require();
    Norm n = Norm.parse(norm);
    var trainSpec = options.spec(n, options.out).on(d);
    TrainResult r;
    try (OutputSet lock = options.lockOut();
        Progress.Bar bar =
            output
                .progress()
                .training("train " + n.cliName(), trainSpec.hyperparameters().steps())) {
      r = Trainer.run(trainSpec, bar);
    }
    if (output.json) {
      output.printJson(TrainedRun.of(r));
      return 0;
    }
    PrintWriter out = output.out();
    out.printf(
        Locale.ROOT,
        "%s: final eval loss %.4f, %.0f tokens/s, %d parameters; model in %s%n",
        n.cliName(),
        r.finalEvalLoss(),
        r.tokensPerSecond(),
        r.parameters(),
        r.modelDir());
    out.flush();
    return 0;
  }
}
