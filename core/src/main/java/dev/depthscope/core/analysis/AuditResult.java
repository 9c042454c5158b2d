package dev.depthscope.core.analysis;

import java.util.List;
import java.util.Map;

/**
 * Everything an audit found, in the shape of {@code audit.json} (schema {@value #SCHEMA}); field
 * names become snake_case in the file. Indices are 0-based; NLLs are in nats; undefined numbers are
 * null.
 *
 * @param schema always {@value #SCHEMA}
 * @param model what was audited
 * @param eval what it was audited on
 * @param metrics the per-layer measurements
 * @param peers the same hidden states measured in the conventions of ShortGPT, PruneMe and the
 *     Curse of Depth paper's repository (last position, sums, h_L after the final norm; see {@code
 *     docs/METRICS.md}); null with multiple choice only, and in audits written before it was
 *     recorded
 * @param uncertainty bootstrap intervals
 * @param summary the verdict
 * @param removalSearch the sets of blocks a removal search measured (null when none was asked for)
 * @param sweep cost of the pruning sweep
 * @param timings wall-clock seconds per phase
 * @param versions software versions
 * @param mechanism Jacobian deviation, update norms and logit lens (null when not measured)
 * @param mc the multiple-choice scores as lm-evaluation-harness computes them (null without MC)
 */
public record AuditResult(
    String schema,
    ModelInfo model,
    EvalInfo eval,
    Metrics metrics,
    PeerMetrics.Values peers,
    Uncertainty uncertainty,
    AuditSummary summary,
    RemovalSearchResult removalSearch,
    Sweep sweep,
    Map<String, Double> timings,
    Map<String, String> versions,
    MechanismResult mechanism,
    McReport mc) {

  /** An audit without lm-eval multiple-choice scores. */
  public AuditResult(
      String schema,
      ModelInfo model,
      EvalInfo eval,
      Metrics metrics,
      PeerMetrics.Values peers,
      Uncertainty uncertainty,
      AuditSummary summary,
      RemovalSearchResult removalSearch,
      Sweep sweep,
      Map<String, Double> timings,
      Map<String, String> versions,
      MechanismResult mechanism) {
    this(
        schema,
        model,
        eval,
        metrics,
        peers,
        uncertainty,
        summary,
        removalSearch,
        sweep,
        timings,
        versions,
        mechanism,
        null);
  }

  /** An audit without mechanism measurements. */
  public AuditResult(
      String schema,
      ModelInfo model,
      EvalInfo eval,
      Metrics metrics,
      PeerMetrics.Values peers,
      Uncertainty uncertainty,
      AuditSummary summary,
      RemovalSearchResult removalSearch,
      Sweep sweep,
      Map<String, Double> timings,
      Map<String, String> versions,
      McReport mc) {
    this(
        schema,
        model,
        eval,
        metrics,
        peers,
        uncertainty,
        summary,
        removalSearch,
        sweep,
        timings,
        versions,
        null,
        mc);
  }

  /** An audit without mechanism measurements and lm-eval scores. */
  public AuditResult(
      String schema,
      ModelInfo model,
      EvalInfo eval,
      Metrics metrics,
      PeerMetrics.Values peers,
      Uncertainty uncertainty,
      AuditSummary summary,
      RemovalSearchResult removalSearch,
      Sweep sweep,
      Map<String, Double> timings,
      Map<String, String> versions) {
    this(
        schema,
        model,
        eval,
        metrics,
        peers,
        uncertainty,
        summary,
        removalSearch,
        sweep,
        timings,
        versions,
        null,
        null);
  }

  /** An audit without the peers' metrics and without mechanism measurements. */
  public AuditResult(
      String schema,
      ModelInfo model,
      EvalInfo eval,
      Metrics metrics,
      Uncertainty uncertainty,
      AuditSummary summary,
      RemovalSearchResult removalSearch,
      Sweep sweep,
      Map<String, Double> timings,
      Map<String, String> versions) {
    this(
        schema,
        model,
        eval,
        metrics,
        null,
        uncertainty,
        summary,
        removalSearch,
        sweep,
        timings,
        versions,
        null,
        null);
  }

  /** An audit without a removal search. */
  public AuditResult(
      String schema,
      ModelInfo model,
      EvalInfo eval,
      Metrics metrics,
      Uncertainty uncertainty,
      AuditSummary summary,
      Sweep sweep,
      Map<String, Double> timings,
      Map<String, String> versions) {
    this(schema, model, eval, metrics, uncertainty, summary, null, sweep, timings, versions);
  }

  /** The schema identifier written to every file. */
  public static final String SCHEMA = "depthscope.audit/1";

  /**
   * The audited model.
   *
   * @param path model directory
   * @param name what the model is called: {@code org/name} for a Hugging Face cache entry, else the
   *     directory name
   * @param architecture {@code architectures[0]}
   * @param modelType {@code model_type}
   * @param layers blocks L
   * @param hiddenSize D
   * @param parameters parameter count
   * @param dtypeOnDisk dominant safetensors dtype
   */
  public record ModelInfo(
      String path,
      String name,
      String architecture,
      String modelType,
      int layers,
      int hiddenSize,
      long parameters,
      String dtypeOnDisk) {}

  /**
   * The evaluation data.
   *
   * @param source e.g. {@code text:brown-eval.txt}, {@code token-ids:ids.json}, {@code mc:q.jsonl}
   * @param sequences rows of the NLL source (0 with MC only)
   * @param seqLen tokens per row
   * @param tokens predicted tokens the NLL averages over
   * @param mcQuestions multiple-choice questions (0 without MC)
   */
  public record EvalInfo(String source, int sequences, int seqLen, long tokens, int mcQuestions) {}

  /**
   * Per-layer measurements. The first seven are named and defined as in REFERENCE.md; null when the
   * eval source gives no NLL (multiple choice only).
   *
   * @param variance {@code [L+1]}
   * @param angularDistance {@code [L]}
   * @param blockInfluence {@code [L]}
   * @param lastTokenAngularMatrix {@code [L+1][L+1]}, null outside {@code n = 1..L-a}
   * @param baselineNll mean next-token NLL (nats)
   * @param prunedNll {@code [L]}: with block l replaced by the identity
   * @param pruningDeltaNll {@code [L]}: {@code pruned_nll - baseline_nll}
   * @param baselinePerplexity {@code exp(baseline_nll)}
   * @param prunedPerplexity {@code [L]}
   * @param relativeDeltaNll {@code [L]}: {@code pruning_delta_nll / baseline_nll}
   * @param mcAccuracy baseline multiple-choice accuracy (null without MC)
   * @param mcPrunedAccuracy {@code [L]} accuracy with block l removed
   * @param mcAccuracyDelta {@code [L]}: pruned minus baseline accuracy
   * @param expertLoad per MoE layer, tokens routed to each expert (null entries for dense layers;
   *     null for dense models)
   */
  public record Metrics(
      double[] variance,
      double[] angularDistance,
      double[] blockInfluence,
      Double[][] lastTokenAngularMatrix,
      Double baselineNll,
      double[] prunedNll,
      double[] pruningDeltaNll,
      Double baselinePerplexity,
      double[] prunedPerplexity,
      double[] relativeDeltaNll,
      Double mcAccuracy,
      double[] mcPrunedAccuracy,
      double[] mcAccuracyDelta,
      long[][] expertLoad) {}

  /**
   * 95% percentile-bootstrap intervals, rows {@code [low, high]} per layer.
   *
   * @param method how they were computed
   * @param pruningDeltaNll interval per layer for {@code pruning_delta_nll} (over sequences)
   * @param mcAccuracyDelta interval per layer for {@code mc_accuracy_delta} (over questions)
   */
  public record Uncertainty(
      String method, List<double[]> pruningDeltaNll, List<double[]> mcAccuracyDelta) {}

  /**
   * What the pruning sweep cost.
   *
   * @param blockEvaluations blocks run, baseline included
   * @param naiveBlockEvaluations what one baseline plus L full passes would cost ({@code L(L+1)}
   *     per batch)
   * @param batches batches processed
   * @param spilledBytes peak bytes of hidden states spilled to disk beyond the memory budget
   */
  public record Sweep(
      long blockEvaluations, long naiveBlockEvaluations, int batches, long spilledBytes) {}
}
