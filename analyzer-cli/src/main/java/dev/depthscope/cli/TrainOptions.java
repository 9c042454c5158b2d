package dev.depthscope.cli;

import dev.depthscope.core.io.OutputSet;
import dev.depthscope.core.tokenize.TextTokenizer;
import dev.depthscope.trainer.train.Hyperparameters;
import dev.depthscope.trainer.train.ModelShape;
import dev.depthscope.trainer.train.Norm;
import dev.depthscope.trainer.train.TokenStream;
import dev.depthscope.trainer.train.TrainSpec;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * The options {@code train} and {@code train-compare} share: init or shape, data, hyperparameters
 * (defaults: the parity-6L reference run) and output directory.
 */
final class TrainOptions {
  private static final Hyperparameters D = Hyperparameters.parity6L();
  private static final ModelShape S = ModelShape.parity6L();

  @Option(
      names = "--init",
      paramLabel = "DIR",
      description = "Start from this checkpoint (e.g. testdata/trainer-reference/parity-6L/init).")
  Path init;

  @Option(
      names = "--scaled-init",
      description = "Random init with o_proj/down_proj std 0.02/sqrt(2L).")
  boolean scaledInit;

  @Option(names = "--layers", description = "Random init: blocks (default ${DEFAULT-VALUE}).")
  int layers = S.layers();

  @Option(names = "--hidden", description = "Random init: width (default ${DEFAULT-VALUE}).")
  int hidden = S.hidden();

  @Option(names = "--heads", description = "Random init: query heads (default ${DEFAULT-VALUE}).")
  int heads = S.heads();

  @Option(names = "--kv-heads", description = "Random init: KV heads (default ${DEFAULT-VALUE}).")
  int kvHeads = S.kvHeads();

  @Option(
      names = "--intermediate",
      description = "Random init: MLP width (default ${DEFAULT-VALUE}).")
  int intermediate = S.intermediate();

  @Option(names = "--vocab", description = "Random init: vocabulary (default ${DEFAULT-VALUE}).")
  int vocab = S.vocab();

  @ArgGroup(exclusive = true, multiplicity = "1")
  Data data;

  /** Token streams or a text file; exactly one. */
  static final class Data {
    @ArgGroup(exclusive = false)
    Streams streams;

    @ArgGroup(exclusive = false)
    Text text;
  }

  /** Pre-tokenized streams. */
  static final class Streams {
    @Option(
        names = "--train-tokens",
        required = true,
        paramLabel = "FILE",
        description = "Training token stream (little-endian).")
    Path train;

    @Option(
        names = "--eval-tokens",
        required = true,
        paramLabel = "FILE",
        description = "Eval token stream.")
    Path eval;

    @Option(
        names = "--token-width",
        defaultValue = "2",
        description = "Bytes per token id: 2 (uint16) or 4 (uint32); default ${DEFAULT-VALUE}.")
    int width;
  }

  /** Raw text tokenized on the fly. */
  static final class Text {
    @Option(
        names = "--text",
        required = true,
        paramLabel = "FILE",
        description = "Training text; one document per line, EOS after each.")
    Path train;

    @Option(
        names = "--tokenizer",
        required = true,
        paramLabel = "DIR",
        description = "Directory with tokenizer.json (copied into the export).")
    Path tokenizer;

    @Option(
        names = "--eval-text",
        paramLabel = "FILE",
        description = "Eval text (default: the last 10%% of --text's tokens).")
    Path eval;
  }

  @Option(names = "--steps", description = "Default ${DEFAULT-VALUE}.")
  int steps = D.steps();

  @Option(names = "--batch", description = "Default ${DEFAULT-VALUE}.")
  int batch = D.batch();

  @Option(names = "--seq", description = "Default ${DEFAULT-VALUE}.")
  int seq = D.seq();

  @Option(names = "--lr", description = "Peak learning rate; default ${DEFAULT-VALUE}.")
  double lr = D.lr();

  @Option(names = "--warmup", description = "Default ${DEFAULT-VALUE}.")
  int warmup = D.warmup();

  @Option(names = "--min-lr-ratio", description = "Default ${DEFAULT-VALUE}.")
  double minLrRatio = D.minLrRatio();

  @Option(names = "--weight-decay", description = "Default ${DEFAULT-VALUE}.")
  double weightDecay = D.weightDecay();

  @Option(names = "--clip", description = "Global gradient-norm limit; default ${DEFAULT-VALUE}.")
  double clip = D.clip();

  @Option(
      names = "--eval-batches",
      description = "Eval batches of 16 rows; default ${DEFAULT-VALUE}.")
  int evalBatches = D.evalBatches();

  @Option(names = "--eval-every", description = "Evaluate every N steps (0: only at the end).")
  int evalEvery = D.evalEvery();

  @Option(names = "--seed", description = "Seed of the random init; default ${DEFAULT-VALUE}.")
  long seed = D.seed();

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description =
          "Output directory; one that already holds results is refused unless --force, and a"
              + " second run writing it at the same time is refused.")
  Path out;

  @Option(
      names = "--force",
      description =
          "Write into an output directory that already holds results, replacing the files of the"
              + " same name.")
  boolean force;

  /**
   * Locks {@link #out} for the run, refusing it when it holds results and {@code --force} was not
   * given. The run writes its files straight into {@link #out}; only files staged in the returned
   * set are swapped in at {@link OutputSet#publish}.
   */
  OutputSet lockOut() throws IOException {
    return OutputSet.open(out, force ? OutputSet.Existing.MERGE : OutputSet.Existing.REFUSE);
  }

  Hyperparameters hyperparameters() {
    return new Hyperparameters(
        steps,
        batch,
        seq,
        lr,
        warmup,
        minLrRatio,
        weightDecay,
        clip,
        D.beta1(),
        D.beta2(),
        D.eps(),
        evalBatches,
        D.evalBatch(),
        evalEvery,
        seed);
  }

  /** The spec for {@code norm} writing to {@code outDir}; tokenizes text if asked. */
  TrainSpec spec(Norm norm, Path outDir) {
    TokenStream train;
    TokenStream eval;
    Path tokenizerDir = null;
    if (data.streams != null) {
      train = TokenStream.read(data.streams.train, data.streams.width);
      eval = TokenStream.read(data.streams.eval, data.streams.width);
    } else {
      tokenizerDir = data.text.tokenizer;
      try (TextTokenizer tok = TextTokenizer.load(tokenizerDir)) {
        TokenStream all = TokenStream.tokenize(data.text.train, tok);
        if (data.text.eval != null) {
          train = all;
          eval = TokenStream.tokenize(data.text.eval, tok);
        } else {
          TokenStream[] split = all.splitTail(0.1);
          train = split[0];
          eval = split[1];
        }
      }
    }
    ModelShape shape =
        init == null ? new ModelShape(layers, hidden, heads, kvHeads, intermediate, vocab) : null;
    return new TrainSpec(
        norm, scaledInit, init, shape, hyperparameters(), train, eval, tokenizerDir, outDir);
  }
}
