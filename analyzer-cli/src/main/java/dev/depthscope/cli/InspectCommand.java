package dev.depthscope.cli;

import dev.depthscope.core.checkpoint.Checkpoint;
import dev.depthscope.core.config.MlaConfig;
import dev.depthscope.core.config.ModelConfig;
import dev.depthscope.core.config.MoeConfig;
import dev.depthscope.core.model.MemoryEstimate;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code depthscope inspect MODEL}: what the model is and what a forward pass will cost. */
@Command(
    name = "inspect",
    mixinStandardHelpOptions = true,
    description = {
      "Show a model's architecture, size, dtype, RoPE and memory needs.",
      "",
      "Print a model's architecture, size, on-disk dtype, RoPE setup and the memory a float32",
      "forward pass needs; for mixtures of experts the experts, the router and the parameters",
      "active per token; for latent attention (DeepSeek) the MLA widths. Reads config.json and",
      "the safetensors headers only (fast)."
    },
    footer = {
      "",
      "Examples:",
      "  depthscope inspect testdata/fixtures/mistral-tiny-fp16-swa",
      "  depthscope inspect Qwen/Qwen3-0.6B --seq-len 4096 --batch 2 --json"
    })
final class InspectCommand implements Callable<Integer> {
  @Mixin ModelArgument model;

  @Option(
      names = "--seq-len",
      defaultValue = "512",
      description = "Tokens per sequence for the memory estimate (default: ${DEFAULT-VALUE}).")
  int seqLen;

  @Option(
      names = "--batch",
      defaultValue = "1",
      description = "Sequences per batch for the memory estimate (default: ${DEFAULT-VALUE}).")
  int batch;

  @Mixin OutputOptions output;

  @Override
  public Integer call() {
    if (seqLen <= 0 || batch <= 0) {
      throw new IllegalArgumentException("--seq-len and --batch must be positive");
    }
    var located = model.locate();
    Path dir = located.dir();
    // A hub cache entry is called by its org/name, with the snapshot it resolved to beside it.
    boolean hub = located.name().contains("/");
    ModelConfig c = ModelConfig.load(dir);
    PrintWriter out = output.out();
    try (Checkpoint ckpt = Checkpoint.open(dir)) {
      dev.depthscope.core.model.CheckpointAgreement.check(c, ckpt);
      long stored = ckpt.tensors().values().stream().mapToLong(t -> t.numel()).sum();
      MemoryEstimate mem = MemoryEstimate.of(c, batch, seqLen);
      if (output.json) {
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        com.google.gson.Gson gson = dev.depthscope.core.analysis.AuditJson.gson();
        o.addProperty("model", hub ? located.name() : dir.toString());
        o.addProperty("directory", dir.toString());
        o.add("config", gson.toJsonTree(c));
        o.addProperty("parameters", c.parameterCount());
        o.addProperty("active_parameters", c.activeParameterCount());
        o.addProperty("stored_parameters", stored);
        o.addProperty("dtype_on_disk", ckpt.dominantDtype().name());
        o.addProperty("bytes_on_disk", ckpt.totalBytes());
        o.addProperty("files", ckpt.files().size());
        o.add("memory", gson.toJsonTree(mem));
        out.println(gson.toJson(o));
        out.flush();
        return 0;
      }
      row(out, "model", hub ? located.name() + " (" + dir + ")" : dir.toString());
      row(out, "architecture", c.architecture() + " (model_type " + c.modelType() + ")");
      row(out, "layers", Integer.toString(c.numLayers()));
      row(out, "hidden size", Integer.toString(c.hiddenSize()));
      row(out, "intermediate size", Integer.toString(c.intermediateSize()));
      if (c.mla() == null) {
        row(
            out,
            "attention heads",
            c.numHeads()
                + " query, "
                + c.numKvHeads()
                + " key/value ("
                + attentionKind(c)
                + "), head_dim "
                + c.headDim());
      } else {
        row(out, "attention heads", c.numHeads() + " (multi-head latent attention, MLA)");
        row(out, "MLA", mla(c.mla()));
      }
      if (c.moe() != null) {
        row(out, "experts", experts(c));
        row(out, "router", router(c.moe()));
      }
      row(out, "vocabulary", Integer.toString(c.vocabSize()));
      row(
          out,
          "parameters",
          String.format(Locale.ROOT, "%,d (%s)", c.parameterCount(), humanCount(c.parameterCount()))
              + (stored != c.parameterCount()
                  ? String.format(Locale.ROOT, "; %,d stored in the files", stored)
                  : ""));
      if (c.moe() != null) {
        long active = c.activeParameterCount();
        row(
            out,
            "active parameters",
            String.format(
                Locale.ROOT,
                "%,d (%s) per token, %.1f%% of the total",
                active,
                humanCount(active),
                100.0 * active / c.parameterCount()));
      }
      row(
          out,
          "dtype on disk",
          ckpt.dominantDtype()
              + " ("
              + MemoryEstimate.human(ckpt.totalBytes())
              + " in "
              + ckpt.files().size()
              + (ckpt.files().size() == 1 ? " file)" : " shards)"));
      row(out, "RoPE", c.rope().describe());
      row(out, "attention window", windows(c));
      row(out, "tied embeddings", c.tieWordEmbeddings() ? "yes" : "no");
      row(out, "biases", biases(c));
      row(out, "q/k norm", c.qkNorm() ? "yes (RMSNorm per head)" : "no");
      row(out, "max positions", Integer.toString(c.maxPositionEmbeddings()));
      row(
          out,
          "fp32 forward memory",
          String.format(
              Locale.ROOT,
              "%s all weights resident, %s streaming one block (batch %d x %d tokens;"
                  + " weights %s, activations %s, hidden states %s)",
              MemoryEstimate.human(mem.residentPeak()),
              MemoryEstimate.human(mem.streamedPeak()),
              batch,
              seqLen,
              MemoryEstimate.human(mem.residentWeightBytes()),
              MemoryEstimate.human(mem.blockActivationBytes()),
              MemoryEstimate.human(mem.hiddenStateBytes())));
    }
    out.flush();
    return 0;
  }

  private static void row(PrintWriter out, String key, String value) {
    out.printf(Locale.ROOT, "%-20s %s%n", key, value);
  }

  private static String mla(MlaConfig m) {
    return (m.lowRankQuery() ? "q_lora_rank " + m.qLoraRank() : "full-rank q_proj")
        + ", kv_lora_rank "
        + m.kvLoraRank()
        + ", qk head "
        + m.qkHeadDim()
        + " ("
        + m.qkNopeHeadDim()
        + " nope + "
        + m.qkRopeHeadDim()
        + " rope), v head "
        + m.vHeadDim()
        + ", "
        + (m.ropeInterleave() ? "interleaved" : "rotate-half")
        + " RoPE, softmax scale "
        + String.format(Locale.ROOT, "%.6g", m.softmaxScale());
  }

  private static String experts(ModelConfig c) {
    MoeConfig m = c.moe();
    String shared =
        m.sharedIntermediateSize() > 0
            ? " + 1 shared expert (width " + m.sharedIntermediateSize() + ")"
            : "";
    int moeLayers = m.moeLayers().size();
    String layers =
        moeLayers == c.numLayers()
            ? "every layer"
            : moeLayers
                + " of "
                + c.numLayers()
                + " layers "
                + m.moeLayers()
                + ", the others dense (width "
                + c.intermediateSize()
                + ")";
    return m.numExperts()
        + " routed, "
        + m.topK()
        + " active per token"
        + shared
        + "; expert width "
        + m.expertIntermediateSize()
        + "; MoE in "
        + layers;
  }

  private static String router(MoeConfig m) {
    MoeConfig.Router r = m.router();
    StringBuilder b = new StringBuilder(r.scoring().name().toLowerCase(Locale.ROOT));
    switch (r.groupScore()) {
      case NONE -> b.append(" top-").append(m.topK());
      case MAX, TOP2_SUM ->
          b.append(" group-limited top-")
              .append(m.topK())
              .append(" (best ")
              .append(r.topKGroups())
              .append(" of ")
              .append(r.groups())
              .append(" groups by their ")
              .append(r.groupScore() == MoeConfig.GroupScore.MAX ? "best expert" : "top-2 sum")
              .append(")");
    }
    if (r.correctionBias()) {
      b.append(", e_score_correction_bias");
    }
    b.append(r.normalize() ? ", weights renormalised" : ", weights not renormalised");
    if (r.scalingFactor() != 1.0) {
      b.append(String.format(Locale.ROOT, ", x %s", r.scalingFactor()));
    }
    return b.toString();
  }

  private static String attentionKind(ModelConfig c) {
    if (c.numKvHeads() == c.numHeads()) {
      return "multi-head";
    }
    return c.numKvHeads() == 1 ? "multi-query" : "grouped-query";
  }

  private static String windows(ModelConfig c) {
    int[] w = c.slidingWindows();
    if (Arrays.stream(w).allMatch(x -> x == 0)) {
      return "full causal";
    }
    if (Arrays.stream(w).allMatch(x -> x == w[0])) {
      return "sliding window of " + w[0] + " tokens on every layer";
    }
    return "per layer " + Arrays.toString(w) + " (0 = full)";
  }

  private static String biases(ModelConfig c) {
    StringBuilder b = new StringBuilder();
    if (c.qkvBias()) {
      b.append("q/k/v ");
    }
    if (c.outputBias()) {
      b.append("o ");
    }
    if (c.mlpBias()) {
      b.append("mlp ");
    }
    return b.length() == 0 ? "none" : b.toString().trim();
  }

  private static String humanCount(long n) {
    if (n >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.2fB", n / 1e9);
    }
    if (n >= 1_000_000L) {
      return String.format(Locale.ROOT, "%.2fM", n / 1e6);
    }
    return String.format(Locale.ROOT, "%.1fK", n / 1e3);
  }
}
