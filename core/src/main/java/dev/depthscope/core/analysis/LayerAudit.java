package dev.depthscope.core.analysis;

import ai.djl.engine.Engine;
import dev.depthscope.core.eval.McItems;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.Engines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The audit: one block-major pruning sweep per batch of evaluation rows (see {@link PruningSweep}),
 * the hidden-state metrics of the baseline pass, NLL with every block removed, multiple-choice
 * accuracy with every block removed, bootstrap intervals and the summary.
 */
public final class LayerAudit {
  private LayerAudit() {}

  /**
   * What to audit on.
   *
   * @param source description for the report, e.g. {@code text:eval.txt}
   * @param rows rows of equal length for NLL and hidden-state metrics (null for MC only)
   * @param mc multiple-choice items (null for none)
   */
  public record Inputs(String source, long[][] rows, McItems mc) {
    public Inputs {
      if (rows == null && mc == null) {
        throw new IllegalArgumentException("nothing to audit on: give text, token ids or MC");
      }
    }
  }

  /**
   * Knobs.
   *
   * @param threshold relative NLL change below which a layer counts as ineffective
   * @param batchRows rows per forward batch
   * @param sweep memory budget, spill directory and progress of the sweep
   */
  public record Options(double threshold, int batchRows, PruningSweep.Settings sweep) {
    /** Defaults for tests: everything in memory, no progress. */
    public static Options of(double threshold, int batchRows) {
      return new Options(threshold, batchRows, PruningSweep.Settings.inMemory());
    }
  }

  /** The total block evaluations {@link #run} will do (for progress bars). */
  public static long plannedBlockEvaluations(CausalLm lm, Inputs in, Options opt) {
    return batches(in, opt) * PruningSweep.cost(lm.config().numLayers());
  }

  private static long batches(Inputs in, Options opt) {
    long b = 0;
    if (in.rows() != null) {
      b += (in.rows().length + opt.batchRows() - 1) / opt.batchRows();
    }
    if (in.mc() != null) {
      b += (in.mc().rows().length + opt.batchRows() - 1) / opt.batchRows();
    }
    return b;
  }

  /** Runs the audit of {@code lm} (opened from {@code modelDir}), named after the directory. */
  public static AuditResult run(CausalLm lm, Path modelDir, Inputs in, Options opt) {
    return run(
        lm, modelDir, modelDir.toAbsolutePath().normalize().getFileName().toString(), in, opt);
  }

  /**
   * Runs the audit of {@code lm} (opened from {@code modelDir}); {@code modelName} is what the
   * result and its report call the model ({@code org/name} for a Hugging Face cache entry, whose
   * directory is named after a revision hash).
   */
  public static AuditResult run(
      CausalLm lm, Path modelDir, String modelName, Inputs in, Options opt) {
    int layers = lm.config().numLayers();
    long total = plannedBlockEvaluations(lm, in, opt);
    long done = 0;
    int batchCount = 0;
    Map<String, Double> timings = new LinkedHashMap<>();

    HiddenStateMetrics.Values hidden = null;
    double[] baseSum = null;
    double[][] prunedSum = null;
    double[] tokens = null;
    long spilled = 0;
    long[][] expertLoad = null;
    long t0 = System.nanoTime();
    if (in.rows() != null) {
      long[][] rows = in.rows();
      int n = rows.length;
      int seqLen = rows[0].length;
      List<long[][]> batches = new ArrayList<>();
      for (int start = 0; start < n; start += opt.batchRows()) {
        batches.add(Arrays.copyOfRange(rows, start, Math.min(n, start + opt.batchRows())));
      }
      int[] shapeRows = batches.stream().mapToInt(x -> x.length).toArray();
      int[] shapeLens = batches.stream().mapToInt(x -> seqLen).toArray();
      HiddenStateMetrics metrics =
          new HiddenStateMetrics(layers, lm.config().hiddenSize(), shapeRows, shapeLens);
      PruningSweep.Result r =
          PruningSweep.run(lm, batches, metrics, offset(opt.sweep(), done, total));
      done += r.blockEvaluations();
      batchCount += batches.size();
      spilled = Math.max(spilled, r.spilledBytes());
      expertLoad = r.expertLoad();
      baseSum = new double[n];
      prunedSum = new double[layers][n];
      tokens = new double[n];
      int row = 0;
      for (int b = 0; b < batches.size(); b++) {
        for (int i = 0; i < batches.get(b).length; i++, row++) {
          tokens[row] = seqLen - 1;
          baseSum[row] = rowSum(r.baseline()[b], i, seqLen - 1);
          for (int l = 0; l < layers; l++) {
            prunedSum[l][row] = rowSum(r.pruned()[b][l], i, seqLen - 1);
          }
        }
      }
      hidden = metrics.values();
    }
    timings.put("nll_sweep_seconds", (System.nanoTime() - t0) / 1e9);

    McOutcome mc = null;
    if (in.mc() != null) {
      long t1 = System.nanoTime();
      mc = runMc(lm, in.mc(), opt, done, total);
      done += mc.evaluations;
      batchCount += mc.batches;
      spilled = Math.max(spilled, mc.spilled);
      if (expertLoad == null) {
        expertLoad = mc.expertLoad;
      }
      timings.put("mc_sweep_seconds", (System.nanoTime() - t1) / 1e9);
    }

    AuditResult.Metrics metrics =
        metrics(hidden, baseSum, prunedSum, tokens, mc, layers, expertLoad);
    List<double[]> nllIntervals = null;
    if (baseSum != null) {
      nllIntervals = new ArrayList<>();
      for (int l = 0; l < layers; l++) {
        double[] diff = new double[baseSum.length];
        for (int i = 0; i < diff.length; i++) {
          diff[i] = prunedSum[l][i] - baseSum[i];
        }
        Bootstrap.Interval ci = Bootstrap.ratioInterval(diff, tokens);
        nllIntervals.add(new double[] {ci.low(), ci.high()});
      }
    }
    List<double[]> mcIntervals = null;
    if (mc != null) {
      mcIntervals = new ArrayList<>();
      double[] ones = new double[mc.baseCorrect.length];
      Arrays.fill(ones, 1);
      for (int l = 0; l < layers; l++) {
        double[] diff = new double[ones.length];
        for (int q = 0; q < diff.length; q++) {
          diff[q] = mc.prunedCorrect[l][q] - mc.baseCorrect[q];
        }
        Bootstrap.Interval ci = Bootstrap.ratioInterval(diff, ones);
        mcIntervals.add(new double[] {ci.low(), ci.high()});
      }
    }
    AuditSummary summary =
        hidden == null
            ? null
            : AuditSummary.of(
                hidden.variance(),
                metrics.pruningDeltaNll(),
                metrics.baselineNll(),
                opt.threshold());
    timings.put("total_seconds", (System.nanoTime() - t0) / 1e9);

    var c = lm.config();
    return new AuditResult(
        AuditResult.SCHEMA,
        new AuditResult.ModelInfo(
            modelDir.toString(),
            modelName,
            c.architecture(),
            c.modelType(),
            layers,
            c.hiddenSize(),
            c.parameterCount(),
            lm.checkpoint().dominantDtype().name()),
        new AuditResult.EvalInfo(
            in.source(),
            in.rows() == null ? 0 : in.rows().length,
            in.rows() == null ? 0 : in.rows()[0].length,
            tokens == null ? 0 : (long) Arrays.stream(tokens).sum(),
            in.mc() == null ? 0 : in.mc().questions().size()),
        metrics,
        new AuditResult.Uncertainty(
            "95% percentile bootstrap over sequences (NLL) or questions (MC), "
                + Bootstrap.RESAMPLES
                + " resamples, seed "
                + Bootstrap.SEED,
            nllIntervals,
            mcIntervals),
        summary,
        new AuditResult.Sweep(done, batchCount * (long) layers * (layers + 1), batchCount, spilled),
        timings,
        versions());
  }

  private static double rowSum(float[] nll, int row, int perRow) {
    double s = 0;
    for (int t = 0; t < perRow; t++) {
      s += nll[row * perRow + t];
    }
    return s;
  }

  private static AuditResult.Metrics metrics(
      HiddenStateMetrics.Values hidden,
      double[] baseSum,
      double[][] prunedSum,
      double[] tokens,
      McOutcome mc,
      int layers,
      long[][] expertLoad) {
    Double baseline = null;
    double[] pruned = null;
    double[] delta = null;
    double[] prunedPpl = null;
    double[] relative = null;
    if (baseSum != null) {
      double count = Arrays.stream(tokens).sum();
      baseline = Arrays.stream(baseSum).sum() / count;
      pruned = new double[layers];
      delta = new double[layers];
      prunedPpl = new double[layers];
      relative = new double[layers];
      for (int l = 0; l < layers; l++) {
        pruned[l] = Arrays.stream(prunedSum[l]).sum() / count;
        delta[l] = pruned[l] - baseline;
        prunedPpl[l] = Math.exp(pruned[l]);
        relative[l] = delta[l] / baseline;
      }
    }
    Double mcAcc = null;
    double[] mcPruned = null;
    double[] mcDelta = null;
    if (mc != null) {
      mcAcc = mean(mc.baseCorrect);
      mcPruned = new double[layers];
      mcDelta = new double[layers];
      for (int l = 0; l < layers; l++) {
        mcPruned[l] = mean(mc.prunedCorrect[l]);
        mcDelta[l] = mcPruned[l] - mcAcc;
      }
    }
    return new AuditResult.Metrics(
        hidden == null ? null : hidden.variance(),
        hidden == null ? null : hidden.angularDistance(),
        hidden == null ? null : hidden.blockInfluence(),
        hidden == null ? null : hidden.lastTokenAngularMatrix(),
        baseline,
        pruned,
        delta,
        baseline == null ? null : Math.exp(baseline),
        prunedPpl,
        relative,
        mcAcc,
        mcPruned,
        mcDelta,
        expertLoad);
  }

  private static double mean(double[] x) {
    return Arrays.stream(x).average().orElse(Double.NaN);
  }

  /** Multiple-choice correctness per question, baseline and per removed block. */
  private record McOutcome(
      double[] baseCorrect,
      double[][] prunedCorrect,
      long evaluations,
      int batches,
      long spilled,
      long[][] expertLoad) {}

  private static McOutcome runMc(CausalLm lm, McItems items, Options opt, long done, long total) {
    int layers = lm.config().numLayers();
    int n = items.rows().length;
    // Similar lengths together, so little padding; right padding cannot change earlier positions
    // of a causal model, and padded positions are never scored.
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, Comparator.comparingInt(i -> items.rows()[i].length));
    List<long[][]> batches = new ArrayList<>();
    List<Integer> starts = new ArrayList<>();
    for (int start = 0; start < n; start += opt.batchRows()) {
      int end = Math.min(n, start + opt.batchRows());
      int len = items.rows()[order[end - 1]].length;
      long[][] batch = new long[end - start][len];
      for (int k = start; k < end; k++) {
        long[] row = items.rows()[order[k]];
        System.arraycopy(row, 0, batch[k - start], 0, row.length);
      }
      batches.add(batch);
      starts.add(start);
    }
    PruningSweep.Result r = PruningSweep.run(lm, batches, null, offset(opt.sweep(), done, total));
    double[] baseScore = new double[n];
    double[][] prunedScore = new double[layers][n];
    for (int b = 0; b < batches.size(); b++) {
      int len = batches.get(b)[0].length;
      for (int row = 0; row < batches.get(b).length; row++) {
        int item = order[starts.get(b) + row];
        baseScore[item] = items.score(item, slice(r.baseline()[b], row, len - 1));
        for (int l = 0; l < layers; l++) {
          prunedScore[l][item] = items.score(item, slice(r.pruned()[b][l], row, len - 1));
        }
      }
    }
    double[][] prunedCorrect = new double[layers][];
    for (int l = 0; l < layers; l++) {
      prunedCorrect[l] = items.correct(prunedScore[l]);
    }
    return new McOutcome(
        items.correct(baseScore),
        prunedCorrect,
        r.blockEvaluations(),
        batches.size(),
        r.spilledBytes(),
        r.expertLoad());
  }

  /** The sweep settings with progress counted on from {@code done} of {@code total}. */
  private static PruningSweep.Settings offset(PruningSweep.Settings s, long done, long total) {
    PruningSweep.ProgressListener p = s.progress();
    return s.withProgress(p == null ? null : (d, t) -> p.blockEvaluated(done + d, total));
  }

  private static float[] slice(float[] nll, int row, int perRow) {
    return Arrays.copyOfRange(nll, row * perRow, (row + 1) * perRow);
  }

  private static Map<String, String> versions() {
    Map<String, String> v = new LinkedHashMap<>();
    String own = LayerAudit.class.getPackage().getImplementationVersion();
    v.put("depthscope", own == null ? "development" : own);
    v.put("java", System.getProperty("java.version"));
    v.put("djl", Engine.getDjlVersion());
    v.put("pytorch", Engines.pytorchVersion());
    return v;
  }
}
