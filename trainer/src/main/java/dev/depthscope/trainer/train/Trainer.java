package dev.depthscope.trainer.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.config.ModelConfig;
import dev.depthscope.core.config.NormScheme;
import dev.depthscope.core.io.ReadErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The training loop, nanoGPT style: for each step, take the batch of REFERENCE.md's row rule,
 * forward and backward under one gradient collector, clip by global norm, AdamW update at the
 * scheduled learning rate. At the end it measures the eval loss, exports a Hugging Face checkpoint
 * to {@code out/model/} and writes {@code out/curves.json}.
 */
public final class Trainer {
  /** Tokenizer and generation files copied into the export when the source has them. */
  private static final List<String> SIDE_FILES =
      List.of(
          "tokenizer.json",
          "tokenizer_config.json",
          "special_tokens_map.json",
          "generation_config.json");

  private Trainer() {}

  /** Runs {@code spec} on its device, reporting each step to {@code listener}. */
  public static TrainResult run(TrainSpec spec, StepListener listener) throws IOException {
    Hyperparameters hp = spec.hyperparameters();
    Path modelDir = spec.out().resolve("model");
    Files.createDirectories(modelDir);
    JsonObject configJson = configJson(spec);
    JsonFiles.write(modelDir.resolve("config.json"), configJson);
    ModelConfig config = ModelConfig.load(modelDir);
    spec.train().check(hp.seq(), config.vocabSize());
    spec.eval().check(hp.seq(), config.vocabSize());

    try (TrainableLlama model =
        spec.init() != null
            ? TrainableLlama.load(spec.init(), config, spec.norm(), spec.device())
            : TrainableLlama.random(
                config, spec.norm(), hp.seed(), spec.scaledInit(), spec.device())) {
      List<NDArray> params = model.parameters();
      AdamW optimizer = new AdamW(model.manager(), params, hp);
      List<double[]> losses = new ArrayList<>();
      List<double[]> evals = new ArrayList<>();
      long tokensPerStep = (long) hp.batch() * hp.seq();
      long trainNanos = 0;
      for (int step = 0; step < hp.steps(); step++) {
        long t0 = System.nanoTime();
        double lr = hp.lrAt(step);
        double[] lossAndNorm = step(model, optimizer, params, spec.train(), step, hp, lr);
        trainNanos += System.nanoTime() - t0;
        losses.add(new double[] {step, lossAndNorm[0], lossAndNorm[1], lr});
        double tps = tokensPerStep * (step + 1) / (trainNanos / 1e9);
        listener.onStep(step, lossAndNorm[0], lossAndNorm[1], lr, tps);
        if (hp.evalEvery() > 0 && (step + 1) % hp.evalEvery() == 0 && step + 1 < hp.steps()) {
          evals.add(new double[] {step + 1, evalLoss(model, spec.eval(), hp)});
        }
      }
      double finalEval = evalLoss(model, spec.eval(), hp);
      evals.add(new double[] {hp.steps(), finalEval});
      model.writeSafetensors(modelDir);
      copySideFiles(spec, modelDir);
      double seconds = trainNanos / 1e9;
      TrainResult result =
          new TrainResult(
              spec.norm(),
              spec.scaledInit(),
              hp,
              model.parameterCount(),
              losses,
              evals,
              finalEval,
              tokensPerStep * hp.steps() / seconds,
              seconds,
              modelDir);
      JsonFiles.write(spec.out().resolve("curves.json"), curvesJson(result));
      return result;
    }
  }

  /**
   * One optimizer step; returns {@code [loss, grad_norm_before_clipping]}. Throws {@link
   * TrainingDivergedException}, without updating anything, when the loss or the norm is not finite.
   * Everything the step allocates lives in a sub-manager closed at the end (DJL-NOTES: native
   * memory otherwise grows).
   */
  static double[] step(
      TrainableLlama model,
      AdamW optimizer,
      List<NDArray> params,
      TokenStream train,
      int step,
      Hyperparameters hp,
      double lr) {
    long[][] rows = train.batch(step, hp.batch(), hp.seq());
    try (NDManager m = model.manager().newSubManager()) {
      model.attachTo(m);
      NDArray loss;
      try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
        loss = model.loss(m, rows);
        gc.backward(loss);
      }
      double lossValue = loss.getFloat();
      if (!Double.isFinite(lossValue)) {
        throw new TrainingDivergedException(
            step,
            String.format(
                Locale.ROOT, "training diverged at step %d: loss is %s", step, lossValue));
      }
      List<NDArray> grads = new ArrayList<>(params.size());
      double sumSq = 0;
      int nonFinite = 0;
      String nearestOutput = null;
      for (int i = 0; i < params.size(); i++) {
        NDArray g = params.get(i).getGradient(); // a handle on p.grad, freed with m
        grads.add(g);
        double sq = g.square().sum().getFloat();
        if (!Double.isFinite(sq)) {
          nonFinite++;
          nearestOutput = model.parameterNames().get(i); // checkpoint order: the last is nearest
        }
        sumSq += sq;
      }
      double norm = Math.sqrt(sumSq);
      if (!Double.isFinite(norm)) {
        // Stop before the update: AdamW would carry the NaN into every parameter and moment.
        throw new TrainingDivergedException(
            step,
            String.format(
                Locale.ROOT,
                "training diverged at step %d: gradient norm is %s with a finite loss %.4f; %d of"
                    + " %d parameter gradients are not finite, the one nearest the output: %s",
                step,
                norm,
                lossValue,
                nonFinite,
                params.size(),
                nearestOutput));
      }
      // REFERENCE.md "Clipping": global L2 norm; above clip, scale by clip / (norm + 1e-6).
      if (hp.clip() > 0 && norm > hp.clip()) {
        float coef = (float) (hp.clip() / (norm + 1e-6));
        for (NDArray g : grads) {
          g.muli(coef);
        }
      }
      optimizer.step(m, params, grads, lr);
      for (NDArray g : grads) {
        g.muli(0f); // gradients accumulate in libtorch; clear them for the next backward
      }
      return new double[] {lossValue, norm};
    }
  }

  /**
   * Eval loss (REFERENCE.md): eval batches of {@code evalBatch} rows, steps 0..evalBatches-1 of the
   * row rule on the eval stream, mean of the per-batch mean cross-entropies.
   */
  public static double evalLoss(TrainableLlama model, TokenStream eval, Hyperparameters hp) {
    double sum = 0;
    for (int s = 0; s < hp.evalBatches(); s++) {
      long[][] rows = eval.batch(s, hp.evalBatch(), hp.seq());
      try (NDManager m = model.manager().newSubManager()) {
        model.attachTo(m);
        sum += model.loss(m, rows).getFloat();
      }
    }
    return sum / hp.evalBatches();
  }

  /**
   * The exported config: the init's {@code config.json} (or one built from the shape), float32,
   * with {@code depthscope_norm_scheme} for Post-LN and Mix-LN (which plain Llama cannot express)
   * and an informational {@code depthscope_training} object.
   */
  static JsonObject configJson(TrainSpec spec) throws IOException {
    JsonObject c;
    if (spec.init() != null) {
      Path file = spec.init().resolve("config.json");
      try {
        c = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
      } catch (IOException e) {
        throw new UncheckedIOException(ReadErrors.ioMessage(file, e), e);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            file + ": expected a JSON object: " + ReadErrors.json(e), e);
      }
    } else {
      c = spec.shape().configJson(Math.max(256, spec.hyperparameters().seq()));
    }
    c.remove("torch_dtype");
    c.addProperty("dtype", "float32");
    c.remove(NormScheme.CONFIG_FIELD);
    if (spec.norm().scheme() != NormScheme.PRE) {
      c.addProperty(NormScheme.CONFIG_FIELD, spec.norm().scheme().configValue());
    }
    JsonObject training = new JsonObject();
    training.addProperty("norm", spec.norm().cliName());
    training.addProperty("lns_folded_into_norm_weights", spec.norm() == Norm.LNS);
    training.addProperty("scaled_init", spec.scaledInit());
    training.addProperty("steps", spec.hyperparameters().steps());
    c.add("depthscope_training", training);
    return c;
  }

  private static void copySideFiles(TrainSpec spec, Path modelDir) throws IOException {
    for (String name : SIDE_FILES) {
      Path from = null;
      if (spec.tokenizerDir() != null && Files.isRegularFile(spec.tokenizerDir().resolve(name))) {
        from = spec.tokenizerDir().resolve(name);
      } else if (spec.init() != null && Files.isRegularFile(spec.init().resolve(name))) {
        from = spec.init().resolve(name);
      }
      if (from != null) {
        Files.copy(from, modelDir.resolve(name), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  /** {@code curves.json}: the result plus the hyperparameters. */
  public static JsonObject curvesJson(TrainResult r) {
    JsonObject o = new JsonObject();
    o.addProperty("norm", r.norm().cliName());
    o.addProperty("scaled_init", r.scaledInit());
    o.add("hyperparameters", hyperparametersJson(r.hyperparameters()));
    o.addProperty("parameters", r.parameters());
    o.add("losses", rows(r.losses()));
    o.add("evals", rows(r.evals()));
    o.addProperty("final_eval_loss", r.finalEvalLoss());
    o.addProperty("tokens_per_second", r.tokensPerSecond());
    o.addProperty("train_seconds", r.trainSeconds());
    return o;
  }

  /** The hyperparameters with the reference file's snake_case names. */
  public static JsonObject hyperparametersJson(Hyperparameters hp) {
    JsonObject o = new JsonObject();
    o.addProperty("batch", hp.batch());
    o.addProperty("seq", hp.seq());
    o.addProperty("steps", hp.steps());
    o.addProperty("lr", hp.lr());
    o.addProperty("warmup", hp.warmup());
    o.addProperty("min_lr_ratio", hp.minLrRatio());
    o.addProperty("weight_decay", hp.weightDecay());
    o.addProperty("clip", hp.clip());
    JsonArray betas = new JsonArray();
    betas.add(hp.beta1());
    betas.add(hp.beta2());
    o.add("betas", betas);
    o.addProperty("eps", hp.eps());
    o.addProperty("eval_batches", hp.evalBatches());
    o.addProperty("eval_batch", hp.evalBatch());
    o.addProperty("eval_every", hp.evalEvery());
    o.addProperty("seed", hp.seed());
    o.addProperty("precision", "fp32");
    return o;
  }

  private static JsonArray rows(List<double[]> rows) {
    JsonArray a = new JsonArray();
    for (double[] row : rows) {
      JsonArray r = new JsonArray();
      for (int i = 0; i < row.length; i++) {
        // Steps are integers; keep them so in the JSON.
        if (i == 0) {
          r.add((long) row[0]);
        } else {
          r.add(row[i]);
        }
      }
      a.add(r);
    }
    return a;
  }
}
