package dev.depthscope.cli;

import dev.depthscope.core.checkpoint.SafetensorsWriter;
import dev.depthscope.core.eval.TokenIdsFile;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.Trace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code depthscope trace}: one forward pass over given token ids, saving every hidden state, the
 * per-token NLL and the last logits in the layout of the reference activations.
 */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = {
      "Run a forward pass over token ids and write hidden_states (float32 [L+1, B, T, D]),",
      "token_nll (float32 [B, T-1], nats) and logits_last (float32 [B, V]) to a safetensors file.",
      "h_0 is the embedding output; h_l leaves block l-1, before the final norm."
    },
    footer = {
      "",
      "Token ids: a JSON array of equally long arrays of ints ([[1, 2, 3], [4, 5, 6]]), or a",
      "safetensors file with an integer tensor input_ids [B, T]. Rows are used exactly as given.",
      "",
      "Example:",
      "  depthscope trace ../shared/fixtures/qwen3-tiny-bf16 \\",
      "      --token-ids ../shared/fixtures/qwen3-tiny-bf16/reference/activations.safetensors \\",
      "      --out trace.safetensors"
    })
final class TraceCommand implements Callable<Integer> {
  @Mixin ModelArgument model;

  @Option(
      names = "--token-ids",
      required = true,
      paramLabel = "FILE",
      description = "JSON or safetensors file of token ids (see below).")
  Path tokenIds;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "OUT.safetensors",
      description = "Output file; written atomically (temporary file, then a move).")
  Path out;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    Path dir = model.resolve();
    long[][] ids = TokenIdsFile.read(tokenIds);
    PrintWriter err = spec.commandLine().getErr();
    long t0 = System.nanoTime();
    try (CausalLm lm = CausalLm.open(dir)) {
      lm.validateIds(ids);
      err.printf(
          Locale.ROOT,
          "tracing %d x %d tokens through %d layers of %s%n",
          ids.length,
          ids[0].length,
          lm.config().numLayers(),
          dir);
      err.flush();
      Trace trace = lm.trace(ids);
      long t1 = System.nanoTime();
      write(trace, ids);
      PrintWriter o = spec.commandLine().getOut();
      o.printf(
          Locale.ROOT,
          "wrote %s: mean NLL %.4f nats (perplexity %.2f) over %d predicted tokens; %.2f s%n",
          out,
          trace.meanNll(),
          Math.exp(trace.meanNll()),
          trace.tokenNll().length,
          (t1 - t0) / 1e9);
      o.flush();
    }
    return 0;
  }

  private void write(Trace trace, long[][] ids) throws IOException {
    int l1 = trace.layers() + 1;
    int b = trace.batch();
    int t = trace.seqLen();
    int d = trace.hidden();
    int per = b * t * d;
    float[] hidden = new float[Math.multiplyExact(l1, per)];
    for (int l = 0; l < l1; l++) {
      System.arraycopy(trace.hiddenStates()[l], 0, hidden, l * per, per);
    }
    long[] flatIds = new long[b * t];
    for (int r = 0; r < b; r++) {
      System.arraycopy(ids[r], 0, flatIds, r * t, t);
    }
    new SafetensorsWriter()
        .metadata("producer", "depthscope trace")
        .addLongs("input_ids", flatIds, b, t)
        .addFloats("hidden_states", hidden, l1, b, t, d)
        .addFloats("token_nll", trace.tokenNll(), b, t - 1)
        .addFloats("logits_last", trace.logitsLast(), b, trace.vocab())
        .write(out);
  }
}
