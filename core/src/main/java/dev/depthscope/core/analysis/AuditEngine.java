package dev.depthscope.core.analysis;

import dev.depthscope.core.model.CausalLm;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.function.Function;

/**
 * Somewhere other than this process alone to run an audit, e.g. an Apache Spark cluster. An engine
 * lives in a module of its own (the {@code cluster} module for Spark) and is found by name through
 * {@link ServiceLoader} when that module's jar is on the class path, so the command line can offer
 * it without depending on the module, and the plain launcher carries none of its dependencies.
 *
 * <p>An engine returns the result {@link LayerAudit#run} would return for the same request, with
 * {@link AuditResult#engine()} saying where it ran.
 */
public interface AuditEngine {
  /** The name the engine is asked for by, e.g. {@code spark}. */
  String name();

  /** Runs the audit {@code request} describes. */
  AuditResult run(Request request);

  /**
   * One audit to run.
   *
   * @param master where to run, in the engine's syntax (e.g. {@code local[2]}, {@code
   *     spark://host:7077}, {@code yarn})
   * @param partitions how many parts to split the evaluation batches into (null: the engine's
   *     default parallelism)
   * @param workerModelDir the model directory as the workers see it (null: {@code modelDir})
   * @param lm the model, opened here for the steps that stay in this process
   * @param modelDir the directory {@code lm} was opened from
   * @param modelName what the result calls the model
   * @param inputs the evaluation data, tokenized here once
   * @param options the audit's options
   * @param journal opens the journal for the plan the engine makes (its chunk count depends on the
   *     engine's parallelism): finished chunks and joint passes are taken from it and recorded in
   *     it as they finish, so a killed audit resumes
   */
  record Request(
      String master,
      Integer partitions,
      Path workerModelDir,
      CausalLm lm,
      Path modelDir,
      String modelName,
      LayerAudit.Inputs inputs,
      LayerAudit.Options options,
      Function<AuditPlan, AuditJournal> journal) {}

  /**
   * The engine called {@code name} on the class path, or an {@link IllegalArgumentException} saying
   * what to put there ({@code missingHint}).
   */
  static AuditEngine named(String name, String missingHint) {
    for (AuditEngine e : ServiceLoader.load(AuditEngine.class)) {
      if (e.name().equals(name)) {
        return e;
      }
    }
    throw new IllegalArgumentException(
        "no " + name + " audit engine on the class path: " + missingHint);
  }
}
