package dev.depthscope.core.analysis;

import ai.djl.engine.Engine;
import dev.depthscope.core.eval.McItems;
import dev.depthscope.core.model.CausalLm;
import dev.depthscope.core.model.Engines;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
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
   * @param sweep memory budget, spill directory and progress of the sweep and the joint passes
   * @param search the removal search to run after the sweep (null for none)
   * @param mechanism the mechanism measurements (null for none)
   */
  public record Options(
      double threshold,
      int batchRows,
      PruningSweep.Settings sweep,
      RemovalSearch.Options search,
      MechanismProbe.Options mechanism) {
    /** Options with the default mechanism measurements. */
    public Options(
        double threshold,
        int batchRows,
        PruningSweep.Settings sweep,
        RemovalSearch.Options search) {
      this(threshold, batchRows, sweep, search, MechanismProbe.Options.DEFAULT);
    }

    /** Options without a removal search. */
    public Options(double threshold, int batchRows, PruningSweep.Settings sweep) {
      this(threshold, batchRows, sweep, null);
    }

    /** The same options with {@code mechanism} (null for none). */
    public Options withMechanism(MechanismProbe.Options mechanism) {
      return new Options(threshold, batchRows, sweep, search, mechanism);
    }

    /** Defaults for tests: everything in memory, no progress, no search. */
    public static Options of(double threshold, int batchRows) {
      return new Options(threshold, batchRows, PruningSweep.Settings.inMemory(), null);
    }

    /** The same options with {@code search}. */
    public Options withSearch(RemovalSearch.Options search) {
      return new Options(threshold, batchRows, sweep, search, mechanism);
    }
  }

  /** The total block evaluations {@link #run} will do (for progress bars). */
  public static long plannedBlockEvaluations(CausalLm lm, Inputs in, Options opt) {
    return batches(in, opt) * PruningSweep.cost(lm.config().numLayers());
  }

  /** The states {@link #run} will score with the LM head: L+1 per batch (for progress bars). */
  public static long plannedStatesScored(CausalLm lm, Inputs in, Options opt) {
    return batches(in, opt) * (lm.config().numLayers() + 1L);
  }

  private static long batches(Inputs in, Options opt) {
    long b = 0;
    if (in.rows() != null) {
      b += (in.rows().length + (long) opt.batchRows() - 1) / opt.batchRows();
    }
    if (in.mc() != null) {
      b += McBatches.count(in.mc(), opt.batchRows());
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
    long states = plannedStatesScored(lm, in, opt);
    long done = 0;
    int batchCount = 0;
    Map<String, Double> timings = new LinkedHashMap<>();

    HiddenStateMetrics.Values hidden = null;
    PeerMetrics.Values peers = null;
    double[] baseSum = null;
    double[][] prunedSum = null;
    double[] tokens = null;
    long spilled = 0;
    long[][] expertLoad = null;
    MechanismProbe probe = null;
    List<long[][]> batches = new ArrayList<>();
    long t0 = System.nanoTime();
    if (in.rows() != null) {
      long[][] rows = in.rows();
      int n = rows.length;
      int seqLen = rows[0].length;
      for (int start = 0; start < n; start += opt.batchRows()) {
        batches.add(Arrays.copyOfRange(rows, start, Math.min(n, start + opt.batchRows())));
      }
      int[] shapeRows = batches.stream().mapToInt(x -> x.length).toArray();
      int[] shapeLens = batches.stream().mapToInt(x -> seqLen).toArray();
      HiddenStateMetrics metrics =
          new HiddenStateMetrics(layers, lm.config().hiddenSize(), shapeRows, shapeLens);
      PeerMetrics peerMetrics =
          new PeerMetrics(layers, lm.config().hiddenSize(), shapeRows, shapeLens, lm::finalNorm);
      PruningSweep.HiddenStateObserver both =
          (b, l, h) -> {
            metrics.observe(b, l, h);
            peerMetrics.observe(b, l, h);
          };
      probe =
          opt.mechanism() == null ? null : new MechanismProbe(lm, batches, opt.mechanism(), both);
      PruningSweep.Result r =
          PruningSweep.run(
              lm,
              batches,
              probe == null ? both : probe,
              offset(opt.sweep(), done, total, 0, states));
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
      peers = peerMetrics.values();
    }
    timings.put("nll_sweep_seconds", (System.nanoTime() - t0) / 1e9);
    if (probe != null) {
      timings.put("mechanism_seconds", probe.seconds());
    }

    McOutcome mc = null;
    if (in.mc() != null) {
      long t1 = System.nanoTime();
      long scored = batchCount * (layers + 1L);
      mc = runMc(lm, in.mc(), opt, offset(opt.sweep(), done, total, scored, states));
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
    long t2 = System.nanoTime();
    String bootstrap =
        AuditIntervals.description(
            baseSum == null ? 0 : baseSum.length, mc == null ? 0 : mc.baseCorrect().length);
    if (bootstrap != null && opt.sweep().progress() != null) {
      opt.sweep().progress().phase(bootstrap);
    }
    AuditResult.Uncertainty uncertainty =
        AuditIntervals.of(
            baseSum,
            prunedSum,
            tokens,
            mc == null ? null : mc.baseCorrect(),
            mc == null ? null : mc.prunedCorrect());
    timings.put("bootstrap_seconds", (System.nanoTime() - t2) / 1e9);
    AuditSummary summary =
        hidden == null
            ? null
            : AuditSummary.of(
                hidden.variance(),
                metrics.pruningDeltaNll(),
                metrics.baselineNll(),
                opt.threshold());
    if (summary != null) {
      summary = summary.withUniformNll(Math.log(lm.config().vocabSize()), metrics.baselineNll());
    }
    RemovalSearchResult search = null;
    if (baseSum != null) {
      long t3 = System.nanoTime();
      JointPhase.Outcome joint =
          JointPhase.run(
              new JointMeasurement(
                  lm,
                  batches,
                  baseSum,
                  prunedSum,
                  tokens,
                  metrics.baselineNll(),
                  metrics.pruningDeltaNll(),
                  JointPhase.settings(
                      opt.sweep(), done, opt.search() == null ? "joint cut" : "search")),
              metrics,
              summary,
              opt.search(),
              mc == null
                  ? null
                  : new JointPhase.Mc(
                      lm, mc.mcBatches(), mc.base(), mc.pruned(), opt.sweep(), done));
      summary = joint.summary();
      search = joint.search();
      timings.put("joint_removal_seconds", (System.nanoTime() - t3) / 1e9);
    }
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
        peers,
        uncertainty,
        summary,
        search,
        new AuditResult.Sweep(done, batchCount * (long) layers * (layers + 1), batchCount, spilled),
        timings,
        versions(),
        probe == null ? null : probe.result(),
        mc == null
            ? null
            : McReport.of(
                mc.base(),
                mc.pruned(),
                in.mc().format(),
                in.mc().maxLength(),
                in.mc().truncatedQuestions()));
  }

  /** The summed NLL of row {@code row} of a batch's flat {@code [B * perRow]} token NLL. */
  static double rowSum(float[] nll, int row, int perRow) {
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
      mcAcc = mean(mc.baseCorrect());
      mcPruned = new double[layers];
      mcDelta = new double[layers];
      for (int l = 0; l < layers; l++) {
        mcPruned[l] = mean(mc.prunedCorrect()[l]);
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

  /** Multiple-choice scores per question, baseline and per removed block. */
  private record McOutcome(
      McScoring.Scores base,
      McScoring.Scores[] pruned,
      long evaluations,
      int batches,
      long spilled,
      long[][] expertLoad,
      McBatches mcBatches) {
    double[] baseCorrect() {
      return base.acc();
    }

    double[][] prunedCorrect() {
      double[][] out = new double[pruned.length][];
      for (int l = 0; l < out.length; l++) {
        out[l] = pruned[l].acc();
      }
      return out;
    }
  }

  private static McOutcome runMc(
      CausalLm lm, McItems items, Options opt, PruningSweep.Settings sweep) {
    int layers = lm.config().numLayers();
    McBatches batches = new McBatches(items, opt.batchRows());
    PruningSweep.Result r = PruningSweep.run(lm, batches.batches(), null, sweep);
    McScoring.Scores[] pruned = new McScoring.Scores[layers];
    for (int l = 0; l < layers; l++) {
      int removed = l;
      pruned[l] = batches.scores(b -> r.pruned()[b][removed]);
    }
    return new McOutcome(
        batches.scores(b -> r.baseline()[b]),
        pruned,
        r.blockEvaluations(),
        batches.batches().size(),
        r.spilledBytes(),
        r.expertLoad(),
        batches);
  }

  /**
   * The sweep settings with progress counted on from {@code done} of {@code total} block
   * evaluations and {@code scored} of {@code states} states through the LM head.
   */
  private static PruningSweep.Settings offset(
      PruningSweep.Settings s, long done, long total, long scored, long states) {
    PruningSweep.ProgressListener p = s.progress();
    if (p == null) {
      return s;
    }
    return s.withProgress(
        new PruningSweep.ProgressListener() {
          @Override
          public void blockEvaluated(long d, long t) {
            p.blockEvaluated(done + d, total);
          }

          @Override
          public void statesScored(long d, long t) {
            p.statesScored(scored + d, states);
          }
        });
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
