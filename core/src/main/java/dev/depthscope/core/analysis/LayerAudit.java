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
  public record Inputs(String source, long[][] rows, McItems mc) implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

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
    /** Options with the default mechanism measurements (the update norms). */
    public Options(
        double threshold,
        int batchRows,
        PruningSweep.Settings sweep,
        RemovalSearch.Options search) {
      this(threshold, batchRows, sweep, search, MechanismProbe.Options.DEFAULT);
    }

    /** The same options with {@code mechanism} (null for none). */
    public Options withMechanism(MechanismProbe.Options mechanism) {
      return new Options(threshold, batchRows, sweep, search, mechanism);
    }

    /** Options without a removal search. */
    public Options(double threshold, int batchRows, PruningSweep.Settings sweep) {
      this(threshold, batchRows, sweep, null);
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

  /**
   * The states of the text (NLL) batches among {@link #plannedStatesScored}: they are scored first,
   * then the questions', whose head runs at a few positions only.
   */
  public static long plannedTextStatesScored(CausalLm lm, Inputs in, Options opt) {
    return nllBatches(in, opt) * (lm.config().numLayers() + 1L);
  }

  private static long nllBatches(Inputs in, Options opt) {
    return in.rows() == null
        ? 0
        : (in.rows().length + (long) opt.batchRows() - 1) / opt.batchRows();
  }

  private static long batches(Inputs in, Options opt) {
    long b = nllBatches(in, opt);
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
    return run(lm, modelDir, modelName, in, opt, AuditJournal.NONE);
  }

  /**
   * As {@link #run(CausalLm, Path, String, Inputs, Options)}, recording each finished chunk of the
   * sweep ({@link AuditPlan}) and each joint pass in {@code journal}, and taking from it what it
   * already holds: the result is the same to the bit as a run without a journal.
   */
  public static AuditResult run(
      CausalLm lm, Path modelDir, String modelName, Inputs in, Options opt, AuditJournal journal) {
    return run(
        lm,
        modelDir,
        modelName,
        opt,
        journal,
        AuditPlan.of(lm.config().numLayers(), in, opt.batchRows()));
  }

  /**
   * As {@link #run(CausalLm, Path, String, Inputs, Options, AuditJournal)} with the sweep cut into
   * {@code plan}'s chunks (made for {@code plan.inputs()} and {@code opt.batchRows()}); the
   * grouping changes no number.
   */
  public static AuditResult run(
      CausalLm lm,
      Path modelDir,
      String modelName,
      Options opt,
      AuditJournal journal,
      AuditPlan plan) {
    Inputs in = plan.inputs();
    if (plan.batchRows() != opt.batchRows() || plan.layers() != lm.config().numLayers()) {
      throw new IllegalArgumentException("the plan was made for other batches or another model");
    }
    int layers = lm.config().numLayers();
    long total = plannedBlockEvaluations(lm, in, opt);
    long states = plannedStatesScored(lm, in, opt);
    Map<String, Double> timings = new LinkedHashMap<>();
    long t0 = System.nanoTime();
    List<ChunkResult> results = new ArrayList<>();
    long batchesBefore = 0;
    for (AuditPlan.Chunk c : plan.chunks()) {
      ChunkResult r = journal.chunk(c.index());
      if (r == null) {
        PruningSweep.Settings s =
            offset(
                opt.sweep(),
                plan.blockEvaluationsBefore(c),
                total,
                batchesBefore * (layers + 1L),
                states);
        r = AuditChunks.run(lm, plan, c.index(), s, opt.mechanism());
        journal.chunkDone(r);
      }
      results.add(r);
      batchesBefore += c.batches();
    }
    AuditAssembly.Sweeps sweeps = AuditAssembly.of(plan, results);
    long done = sweeps.blockEvaluations();
    double[] baseSum = sweeps.baseSum();
    timings.put("nll_sweep_seconds", sweeps.nllSeconds());
    if (in.mc() != null) {
      timings.put("mc_sweep_seconds", sweeps.mcSeconds());
    }
    MechanismResult mechanism = null;
    if (opt.mechanism() != null && !sweeps.mechanism().isEmpty()) {
      mechanism =
          MechanismProbe.reduce(opt.mechanism(), lm.config().moe() != null, sweeps.mechanism());
      timings.put("mechanism_seconds", MechanismProbe.seconds(sweeps.mechanism()));
    }

    AuditResult.Metrics metrics = sweeps.metrics();
    long t2 = System.nanoTime();
    String bootstrap =
        AuditIntervals.description(
            baseSum == null ? 0 : baseSum.length,
            sweeps.mcBase() == null ? 0 : sweeps.mcBase().acc().length);
    if (bootstrap != null && opt.sweep().progress() != null) {
      opt.sweep().progress().phase(bootstrap);
    }
    AuditResult.Uncertainty uncertainty = sweeps.uncertainty();
    timings.put("bootstrap_seconds", (System.nanoTime() - t2) / 1e9);
    AuditSummary summary =
        sweeps.hidden() == null
            ? null
            : AuditSummary.of(
                sweeps.hidden().variance(),
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
                  plan.nllBatches(),
                  baseSum,
                  sweeps.prunedSum(),
                  sweeps.tokens(),
                  metrics.baselineNll(),
                  metrics.pruningDeltaNll(),
                  JointPhase.settings(
                      opt.sweep(), done, opt.search() == null ? "joint cut" : "search"),
                  journal),
              metrics,
              summary,
              opt.search(),
              in.mc() == null
                  ? null
                  : new JointPhase.Mc(
                      lm,
                      plan.mcBatches(),
                      sweeps.mcBase(),
                      sweeps.mcPruned(),
                      opt.sweep(),
                      done,
                      journal));
      summary = joint.summary();
      search = joint.search();
      timings.put("joint_removal_seconds", (System.nanoTime() - t3) / 1e9);
    }
    timings.put("total_seconds", (System.nanoTime() - t0) / 1e9);

    var c = lm.config();
    int batchCount = sweeps.batches();
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
            sweeps.tokens() == null ? 0 : (long) Arrays.stream(sweeps.tokens()).sum(),
            in.mc() == null ? 0 : in.mc().questions().size()),
        metrics,
        sweeps.peers(),
        uncertainty,
        summary,
        search,
        new AuditResult.Sweep(
            done, batchCount * (long) layers * (layers + 1), batchCount, sweeps.spilledBytes()),
        timings,
        versions(),
        sweeps.mcBase() == null
            ? null
            : McReport.of(
                sweeps.mcBase(),
                sweeps.mcPruned(),
                in.mc().format(),
                in.mc().maxLength(),
                in.mc().truncatedQuestions()),
        mechanism);
  }

  /** The summed NLL of row {@code row} of a batch's flat {@code [B * perRow]} token NLL. */
  static double rowSum(float[] nll, int row, int perRow) {
    double s = 0;
    for (int t = 0; t < perRow; t++) {
      s += nll[row * perRow + t];
    }
    return s;
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
