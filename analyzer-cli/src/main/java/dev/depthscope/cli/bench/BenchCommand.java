package dev.depthscope.cli.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.Gson;
import dev.depthscope.core.analysis.PruningSweep;
import dev.depthscope.core.checkpoint.DType;
import dev.depthscope.core.eval.TokenIdsFile;
import dev.depthscope.core.model.AttentionInputs;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.Engines;
import dev.depthscope.trainer.train.Hyperparameters;
import dev.depthscope.trainer.train.MatmulBenchmark;
import dev.depthscope.trainer.train.ModelShape;
import dev.depthscope.trainer.train.Norm;
import dev.depthscope.trainer.train.TokenStream;
import dev.depthscope.trainer.train.TrainResult;
import dev.depthscope.trainer.train.TrainSpec;
import dev.depthscope.trainer.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code depthscope bench ...}: the measurements behind {@code bench/run.sh} (hidden from the main
 * help). Each subcommand prints one JSON object of figures on standard output; medians of several
 * runs after a warm-up.
 */
@Command(
    name = "bench",
    hidden = true,
    mixinStandardHelpOptions = true,
    description = "Benchmark building blocks used by bench/run.sh; each prints a JSON object.",
    subcommands = {
      BenchCommand.MakeModel.class,
      BenchCommand.Matmul.class,
      BenchCommand.Forward.class,
      BenchCommand.Sweep.class,
      BenchCommand.Open.class,
      BenchCommand.TrainRate.class,
      BenchCommand.Ids.class,
      Summarize.class
    })
public final class BenchCommand {
  static void print(Map<String, Object> figures) {
    System.out.println(new Gson().toJson(figures));
  }

  static double median(List<Double> xs) {
    double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
  }

  /** Median wall time in seconds of {@code repeats} runs of {@code work}, after one untimed run. */
  static double medianSeconds(int repeats, Runnable work) {
    work.run();
    List<Double> times = new ArrayList<>();
    for (int r = 0; r < repeats; r++) {
      long t0 = System.nanoTime();
      work.run();
      times.add((System.nanoTime() - t0) / 1e9);
    }
    return median(times);
  }

  /** Writes a random Llama checkpoint of a given shape. */
  @Command(name = "make-model", description = "Write a random-weight Llama checkpoint.")
  static final class MakeModel implements Callable<Integer> {
    @Option(names = "--layers", defaultValue = "12")
    int layers;

    @Option(names = "--hidden", defaultValue = "768")
    int hidden;

    @Option(names = "--heads", defaultValue = "12")
    int heads;

    @Option(names = "--kv-heads", defaultValue = "12")
    int kvHeads;

    @Option(names = "--intermediate", defaultValue = "2048")
    int intermediate;

    @Option(names = "--vocab", defaultValue = "32000")
    int vocab;

    @Option(names = "--dtype", defaultValue = "F32")
    DType dtype;

    @Option(names = "--seed", defaultValue = "1")
    long seed;

    @Option(names = "--out", required = true)
    Path out;

    @Override
    public Integer call() throws IOException {
      long t0 = System.nanoTime();
      RandomCheckpoint.write(
          new RandomCheckpoint.Shape(layers, hidden, heads, kvHeads, intermediate, vocab),
          dtype,
          out,
          seed);
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("make_model_seconds", (System.nanoTime() - t0) / 1e9);
      f.put("model_bytes", Files.size(out.resolve("model.safetensors")));
      print(f);
      return 0;
    }
  }

  /** Random token ids as JSON, shared with the transformers peer. */
  @Command(name = "ids", description = "Write random token ids [B, T] as JSON.")
  static final class Ids implements Callable<Integer> {
    @Option(names = "--batch", defaultValue = "4")
    int batch;

    @Option(names = "--seq", defaultValue = "512")
    int seq;

    @Option(names = "--vocab", defaultValue = "32000")
    int vocab;

    @Option(names = "--out", required = true)
    Path out;

    @Override
    public Integer call() throws IOException {
      SplittableRandom rng = new SplittableRandom(42);
      long[][] ids = new long[batch][seq];
      for (long[] row : ids) {
        for (int i = 0; i < seq; i++) {
          row[i] = rng.nextInt(vocab);
        }
      }
      Files.writeString(out, new Gson().toJson(ids));
      return 0;
    }
  }

  /** The float32 matmul rate at the shapes of a forward pass. */
  @Command(name = "matmul", description = "float32 matmul GFLOP/s of [m, k] x [k, n].")
  static final class Matmul implements Callable<Integer> {
    @Option(names = "--m", defaultValue = "1024")
    int m;

    @Option(names = "--k", defaultValue = "768")
    int k;

    @Option(names = "--n", defaultValue = "2048")
    int n;

    @Override
    public Integer call() {
      try (NDManager root = Engines.newCpuManager()) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("matmul_gflops", MatmulBenchmark.gflops(root, m, k, n, 3.0));
        f.put("matmul_shape", m + "x" + k + "x" + n);
        print(f);
      }
      return 0;
    }
  }

  /** Forward passes keeping every hidden state, as a user would run them. */
  @Command(name = "forward", description = "Forward tokens/s (hidden states kept).")
  static final class Forward implements Callable<Integer> {
    @Parameters(index = "0")
    Path model;

    @Option(names = "--ids", required = true)
    Path ids;

    @Option(names = "--repeats", defaultValue = "5")
    int repeats;

    @Override
    public Integer call() {
      long[][] x = TokenIdsFile.read(ids);
      try (CausalLm lm = CausalLm.open(model)) {
        double s = medianSeconds(repeats, () -> lm.trace(x));
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("forward_seconds", s);
        f.put("forward_tokens_per_s", x.length * x[0].length / s);
        // Matmul work per token: every weight but the embedding once (2 FLOPs per
        // multiply-add), plus q.k and p.v over on average T/2 earlier positions per layer.
        var c = lm.config();
        double perToken =
            2.0 * (c.parameterCount() - (long) c.vocabSize() * c.hiddenSize())
                + 2.0 * c.numLayers() * x[0].length * c.numHeads() * c.headDim();
        f.put("forward_flops_per_token", perToken);
        f.put("forward_matmul_gflops", perToken * x.length * x[0].length / s / 1e9);
        print(f);
      }
      return 0;
    }
  }

  /** The pruning sweep against one full forward per removed block. */
  @Command(name = "sweep", description = "Pruning sweep vs L+1 naive full forwards.")
  static final class Sweep implements Callable<Integer> {
    @Parameters(index = "0")
    Path model;

    @Option(names = "--ids", required = true)
    Path ids;

    @Option(names = "--repeats", defaultValue = "3")
    int repeats;

    @Override
    public Integer call() {
      long[][] x = TokenIdsFile.read(ids);
      try (CausalLm lm = CausalLm.open(model)) {
        int layers = lm.config().numLayers();
        naive(lm, x, 0);
        List<Double> sweep = new ArrayList<>();
        List<Double> naive = new ArrayList<>();
        for (int r = 0; r < repeats; r++) {
          long t0 = System.nanoTime();
          PruningSweep.run(
              lm, java.util.Collections.singletonList(x), null, PruningSweep.Settings.inMemory());
          sweep.add((System.nanoTime() - t0) / 1e9);
          t0 = System.nanoTime();
          for (int skip = -1; skip < layers; skip++) {
            naive(lm, x, skip);
          }
          naive.add((System.nanoTime() - t0) / 1e9);
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("sweep_seconds", median(sweep));
        f.put("naive_seconds", median(naive));
        f.put("sweep_vs_naive", median(sweep) / median(naive));
        print(f);
      }
      return 0;
    }

    private static void naive(CausalLm lm, long[][] ids, int skip) {
      try (NDManager m = lm.manager().newSubManager();
          AttentionInputs att = lm.attentionInputs(m, ids[0].length)) {
        NDArray h = lm.embed(m, ids);
        for (int l = 0; l < lm.config().numLayers(); l++) {
          if (l != skip) {
            h = lm.block(l, h, att);
          }
        }
        lm.head(h, ids);
      }
    }
  }

  /** Opening (mapping and validating) a checkpoint. */
  @Command(name = "open", description = "Seconds to open a checkpoint (mapped, nothing copied).")
  static final class Open implements Callable<Integer> {
    @Parameters(index = "0")
    Path model;

    @Option(names = "--repeats", defaultValue = "5")
    int repeats;

    @Override
    public Integer call() {
      double s =
          medianSeconds(
              repeats,
              () -> {
                try (CausalLm lm = CausalLm.open(model, n -> {}, CausalLm.Residency.STREAMING)) {
                  lm.config();
                }
              });
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("open_seconds", s);
      f.put("open_2gb_seconds", s);
      print(f);
      return 0;
    }
  }

  /** Trainer throughput on random tokens. */
  @Command(name = "train-rate", description = "Trainer tokens/s and its share of 6*P*N at a rate.")
  static final class TrainRate implements Callable<Integer> {
    @Option(names = "--steps", defaultValue = "20")
    int steps;

    @Option(names = "--layers", defaultValue = "6")
    int layers;

    @Option(names = "--hidden", defaultValue = "256")
    int hidden;

    @Option(names = "--heads", defaultValue = "4")
    int heads;

    @Option(names = "--intermediate", defaultValue = "704")
    int intermediate;

    @Option(names = "--vocab", defaultValue = "4096")
    int vocab;

    @Option(names = "--batch", defaultValue = "8")
    int batch;

    @Option(names = "--seq", defaultValue = "128")
    int seq;

    @Option(names = "--out", required = true)
    Path out;

    @Override
    public Integer call() throws IOException {
      SplittableRandom rng = new SplittableRandom(3);
      int[] tokens = new int[steps * batch * seq + seq + 2];
      for (int i = 0; i < tokens.length; i++) {
        tokens[i] = rng.nextInt(vocab);
      }
      TokenStream stream = TokenStream.of(tokens, "random");
      Hyperparameters h =
          new Hyperparameters(
              steps, batch, seq, 1e-3, 2, 0.1, 0.1, 1.0, 0.9, 0.95, 1e-8, 1, 4, 0, 1L);
      ModelShape shape = new ModelShape(layers, hidden, heads, heads, intermediate, vocab);
      TrainResult r =
          Trainer.run(
              new TrainSpec(Norm.PRE, false, null, shape, h, stream, stream, null, out),
              (s, l, g, lr, tps) -> {});
      double gflops;
      try (NDManager root = Engines.newCpuManager()) {
        gflops = MatmulBenchmark.gflops(root, batch * seq, hidden, intermediate, 3.0);
      }
      double roofline = gflops * 1e9 / (6.0 * r.parameters());
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("trainer_tokens_per_s", r.tokensPerSecond());
      f.put("trainer_parameters", r.parameters());
      f.put("trainer_matmul_gflops", gflops);
      f.put("trainer_roofline_tokens_per_s", roofline);
      f.put("trainer_fraction_of_roofline", r.tokensPerSecond() / roofline);
      print(f);
      return 0;
    }
  }

  private BenchCommand() {}

  static String join(double[] xs) {
    return Arrays.toString(xs);
  }
}
