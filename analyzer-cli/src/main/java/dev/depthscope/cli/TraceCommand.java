package dev.depthscope.cli;

import ai.djl.Device;
import dev.depthscope.core.checkpoint.SafetensorsWriter;
import dev.depthscope.core.eval.TokenIdsFile;
import dev.depthscope.core.io.OutputConflictException;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.Trace;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.LongSummaryStatistics;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code depthscope trace}: one forward pass over given token ids, saving every hidden state, the
 * per-token NLL and the last logits in the layout of the reference activations.
 */
@Command(
    name = "trace",
    mixinStandardHelpOptions = true,
    description = {
      "Run a forward pass; save hidden states, token NLL and last logits.",
      "",
      "Run a forward pass over token ids and write hidden_states (float32 [L+1, B, T, D]),",
      "token_nll (float32 [B, T-1], nats) and logits_last (float32 [B, V]) to a safetensors file.",
      "h_0 is the embedding output; h_l leaves block l-1, before the final norm.",
      "For mixtures of experts it also writes expert_load (int64 [L, E]): how many tokens each",
      "expert of each layer received (each token counts once per chosen expert; -1 on dense",
      "layers), and prints a load summary per MoE layer."
    },
    footer = {
      "",
      "Token ids: a JSON array of equally long arrays of ints ([[1, 2, 3], [4, 5, 6]]), or a",
      "safetensors file with an integer tensor input_ids [B, T]. Rows are used exactly as given.",
      "",
      "Examples:",
      "  depthscope trace testdata/fixtures/qwen3-tiny-bf16 \\",
      "      --token-ids testdata/fixtures/qwen3-tiny-bf16/reference/activations.safetensors \\",
      "      --out trace.safetensors",
      "  depthscope trace meta-llama/Llama-3.2-1B --token-ids my-ids.json --out t.safetensors --json"
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
      description =
          "Output file; written atomically (temporary file, then a move). An existing file is"
              + " refused unless --force.")
  Path out;

  @Option(
      names = "--force",
      description = "Replace an existing --out file (it stays intact until the new one is whole).")
  boolean force;

  @Mixin OutputOptions output;

  @Mixin DeviceOption device;

  /**
   * What {@code trace --json} prints.
   *
   * @param output the safetensors file written
   * @param model the model directory
   * @param layers blocks traced
   * @param sequences rows of token ids
   * @param seqLen tokens per row
   * @param predictedTokens positions with a next-token NLL
   * @param meanNll mean next-token NLL in nats
   * @param perplexity exp(meanNll)
   * @param seconds wall time of loading and the pass
   * @param expertLoad tokens per expert per layer (null rows for dense layers), or null
   */
  record Summary(
      String output,
      String model,
      int layers,
      int sequences,
      int seqLen,
      int predictedTokens,
      double meanNll,
      double perplexity,
      double seconds,
      long[][] expertLoad) {}

  @Override
  public Integer call() throws IOException {
    Device d = device.require();
    if (Files.isDirectory(out)) {
      throw new IllegalArgumentException(
          out
              + ": is a directory; --out takes the trace file to write, e.g. "
              + out.resolve("trace.safetensors"));
    }
    if (Files.exists(out) && !force) {
      throw new OutputConflictException(
          out + ": already exists; pass --force to replace it, or choose another --out");
    }
    var located = model.locate();
    Path dir = located.dir();
    // A hub cache entry is called by its org/name rather than its snapshot folder.
    String shown = located.name().contains("/") ? located.name() : dir.toString();
    long[][] ids = TokenIdsFile.read(tokenIds);
    PrintWriter err = output.err();
    long t0 = System.nanoTime();
    try (CausalLm lm =
        ModelLoading.open(dir, CausalLm.Residency.RESIDENT, d, output.progress(), err::println)) {
      lm.validateIds(ids);
      output.status(
          "tracing %d x %d tokens through %d layers of %s",
          ids.length, ids[0].length, lm.config().numLayers(), shown);
      Trace trace;
      try (Progress.Bar bar = output.progress().bar("forward", lm.config().numLayers(), "blocks")) {
        trace = lm.trace(ids, layer -> bar.step());
      }
      long t1 = System.nanoTime();
      write(trace, ids);
      boolean moe = expertLoadTensor(trace) != null;
      Summary s =
          new Summary(
              out.toString(),
              shown,
              trace.layers(),
              trace.batch(),
              trace.seqLen(),
              trace.tokenNll().length,
              trace.meanNll(),
              Math.exp(trace.meanNll()),
              (t1 - t0) / 1e9,
              moe ? trace.expertLoad() : null);
      if (output.json) {
        output.printJson(s);
        return 0;
      }
      PrintWriter o = output.out();
      o.printf(
          Locale.ROOT,
          "wrote %s: mean NLL %.4f nats (perplexity %.2f) over %s; %.2f s%n",
          out,
          s.meanNll(),
          s.perplexity(),
          Counts.of(s.predictedTokens(), "predicted token"),
          s.seconds());
      printExpertLoad(o, trace);
      o.flush();
    }
    return 0;
  }

  private static void printExpertLoad(PrintWriter o, Trace trace) {
    for (int l = 0; l < trace.layers(); l++) {
      long[] load = trace.expertLoad()[l];
      if (load == null) {
        continue;
      }
      LongSummaryStatistics s = Arrays.stream(load).summaryStatistics();
      long idle = Arrays.stream(load).filter(x -> x == 0).count();
      o.printf(
          Locale.ROOT,
          "expert load layer %d: %d experts, tokens per expert min %d / mean %.1f / max %d,"
              + " %d idle%n",
          l,
          load.length,
          s.getMin(),
          s.getAverage(),
          s.getMax(),
          idle);
    }
  }

  /** {@code [L, E]} expert counts with -1 rows for dense layers, or null for a dense model. */
  private static long[] expertLoadTensor(Trace trace) {
    int experts = 0;
    for (long[] row : trace.expertLoad()) {
      experts = row == null ? experts : row.length;
    }
    if (experts == 0) {
      return null;
    }
    long[] out = new long[trace.layers() * experts];
    for (int l = 0; l < trace.layers(); l++) {
      long[] row = trace.expertLoad()[l];
      for (int e = 0; e < experts; e++) {
        out[l * experts + e] = row == null ? -1 : row[e];
      }
    }
    return out;
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
    SafetensorsWriter w =
        new SafetensorsWriter()
            .metadata("producer", "depthscope trace")
            .addLongs("input_ids", flatIds, b, t)
            .addFloats("hidden_states", hidden, l1, b, t, d)
            .addFloats("token_nll", trace.tokenNll(), b, t - 1)
            .addFloats("logits_last", trace.logitsLast(), b, trace.vocab());
    long[] load = expertLoadTensor(trace);
    if (load != null) {
      w.addLongs("expert_load", load, trace.layers(), load.length / trace.layers());
    }
    w.write(out);
  }
}
