package dev.depthscope.cli;

import dev.depthscope.trainer.train.Norm;
import dev.depthscope.trainer.train.TrainCompare;
import dev.depthscope.trainer.train.TrainResult;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code depthscope train-compare}: one training run per norm scheme from the same init and data,
 * then {@code OUT/comparison.json} with the curves side by side.
 */
@Command(
    name = "train-compare",
    mixinStandardHelpOptions = true,
    description = {
      "Train one model per norm scheme (same init, same data) into OUT/<scheme>/ and write",
      "OUT/comparison.json with every run's loss and eval curves and final eval loss."
    },
    footer = {
      "",
      "Example:",
      "  depthscope train-compare --norms pre,lns,post,mix \\",
      "      --init ../shared/trainer-reference/parity-6L/init \\",
      "      --train-tokens ../shared/data/brown-bpe-4096/brown-train.u16 \\",
      "      --eval-tokens ../shared/data/brown-bpe-4096/brown-eval.u16 --out runs/compare"
    })
final class TrainCompareCommand implements Callable<Integer> {
  @Option(
      names = "--norms",
      split = ",",
      defaultValue = "pre,lns",
      description = "Schemes to train, comma-separated (default ${DEFAULT-VALUE}).")
  List<String> norms;

  @Mixin TrainOptions options;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    List<Norm> parsed = new ArrayList<>();
    for (String n : norms) {
      parsed.add(Norm.parse(n));
    }
    var base = options.spec(parsed.get(0), options.out);
    Map<Norm, TrainProgress> bars = new IdentityHashMap<>();
    List<TrainResult> results;
    try {
      results =
          TrainCompare.run(
              base,
              parsed,
              n ->
                  bars.computeIfAbsent(
                      n,
                      k ->
                          new TrainProgress(
                              "train " + k.cliName(), base.hyperparameters().steps(), System.err)),
              result -> {
                TrainProgress bar = bars.get(result.norm());
                if (bar != null) {
                  bar.close();
                }
                return null; // seam: the audit of result.modelDir() plugs in here
              });
    } finally {
      bars.values().forEach(TrainProgress::close);
    }
    PrintWriter out = spec.commandLine().getOut();
    for (TrainResult r : results) {
      out.printf(
          Locale.ROOT,
          "%-5s final eval loss %.4f  %.0f tokens/s  %s%n",
          r.norm().cliName(),
          r.finalEvalLoss(),
          r.tokensPerSecond(),
          r.modelDir());
    }
    out.printf(Locale.ROOT, "comparison: %s%n", options.out.resolve("comparison.json"));
    out.flush();
    return 0;
  }
}
