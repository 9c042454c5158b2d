package dev.depthscope.reports;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.MechanismResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test audits: real audit.json files kept as test resources, and their raw JSON. */
public final class Samples {
  private Samples() {}

  /** A 4-layer Qwen3 fixture audit with token ids and 6 multiple-choice questions. */
  public static final String QWEN_MC = "audits/qwen3-tiny-mc.json";

  /**
   * The trained 24-layer Pre-LN model on 1024 Brown tokens, with a removal search ({@code --search
   * all --remove-up-to 4}).
   */
  public static final String LLAMA_PRE = "audits/llama-24L-brown-pre.json";

  /** The Qwen3 audit with a made-up expert load (layer 0 dense, 4 experts elsewhere). */
  public static final String MOE = "audits/moe-synthetic.json";

  /** A single-run trainer curves.json. */
  public static final String TRAINER_CURVES = "curves-trainer.json";

  public static Path path(String resource) {
    try {
      return Path.of(Samples.class.getClassLoader().getResource(resource).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  public static AuditResult audit(String resource) {
    try {
      return AuditJson.read(path(resource));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The file as a JSON tree, to check values independently of the record mapping. */
  public static JsonObject json(String resource) {
    try {
      return JsonParser.parseString(Files.readString(path(resource))).getAsJsonObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code a} with another model name (e.g. one that tries to inject markup). */
  public static AuditResult renamed(AuditResult a, String name) {
    AuditResult.ModelInfo m = a.model();
    return new AuditResult(
        a.schema(),
        new AuditResult.ModelInfo(
            m.path(),
            name,
            m.architecture(),
            m.modelType(),
            m.layers(),
            m.hiddenSize(),
            m.parameters(),
            m.dtypeOnDisk()),
        a.eval(),
        a.metrics(),
        a.peers(),
        a.uncertainty(),
        a.summary(),
        a.removalSearch(),
        a.sweep(),
        a.timings(),
        a.versions(),
        a.mechanism());
  }

  /** {@code a} with {@code mechanism} measurements. */
  public static AuditResult withMechanism(AuditResult a, MechanismResult mechanism) {
    return new AuditResult(
        a.schema(),
        a.model(),
        a.eval(),
        a.metrics(),
        a.peers(),
        a.uncertainty(),
        a.summary(),
        a.removalSearch(),
        a.sweep(),
        a.timings(),
        a.versions(),
        mechanism);
  }
}
