package dev.depthscope.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.RemovalSearchResult;
import dev.depthscope.core.analysis.RemovedSet;
import dev.depthscope.core.config.ModelConfig;
import dev.depthscope.core.prune.BlockSelection;
import dev.depthscope.core.prune.Pruner;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code depthscope prune}: writes the model without chosen blocks, as a Hugging Face directory
 * that transformers loads, either from a block list or from a set an audit measured.
 */
@Command(
    name = "prune",
    mixinStandardHelpOptions = true,
    description = {
      "Write the model without some blocks, as a Hugging Face model directory.",
      "",
      "Removes the blocks given by --drop, or a set an audit measured (--from-audit), renumbers",
      "the remaining model.layers.N tensors and copies their bytes exactly (dtype unchanged),",
      "rewrites config.json (num_hidden_layers and the family's per-layer rules, plus a",
      "depthscope_pruning record) and copies the tokenizer and other files. Memory stays flat:",
      "tensors are copied file to file. The output is staged beside DIR and renamed into place;",
      "an existing DIR is refused. DeepSeek-V3's multi-token-prediction layers are dropped."
    },
    footer = {
      "",
      "Examples:",
      "  depthscope prune testdata/trained/llama-24L-brown-pre --drop 14,18-20 --out pruned-4",
      "  depthscope audit testdata/trained/llama-24L-brown-pre --text testdata/data/brown-eval.txt \\",
      "      --search greedy --remove-up-to 6 --out audit-pre",
      "  depthscope prune testdata/trained/llama-24L-brown-pre --from-audit audit-pre/audit.json \\",
      "      --strategy greedy --k 6 --out pruned-greedy-6"
    })
final class PruneCommand implements Callable<Integer> {
  @Mixin ModelArgument model;

  /** Where the removed blocks come from. */
  static final class Selection {
    @Option(
        names = "--drop",
        paramLabel = "SPEC",
        description = "Blocks to remove, 0-based, e.g. 3,7,12-15 (ranges inclusive).")
    String drop;

    @Option(
        names = "--from-audit",
        paramLabel = "AUDIT.json",
        description =
            "Remove a set this audit measured (see --strategy and --k); its measured figures go"
                + " into config.json's depthscope_pruning record.")
    Path fromAudit;
  }

  @ArgGroup(exclusive = true, multiplicity = "1")
  Selection selection;

  /** Which measured set of an audit to take. */
  enum Strategy {
    greedy,
    contiguous,
    contiguous_angle,
    cut
  }

  @Option(
      names = "--strategy",
      paramLabel = "S",
      description =
          "With --from-audit: greedy (the greedy search's set of --k blocks), contiguous (the"
              + " window of --k blocks with the lowest measured NLL), contiguous_angle (the window"
              + " of --k blocks with the smallest angular distance) or cut (the summary's longest"
              + " run, measured; the default).")
  Strategy strategy;

  @Option(
      names = "--k",
      paramLabel = "K",
      description = "With --from-audit and a search strategy: how many blocks the set removes.")
  Integer k;

  @Option(names = "--out", paramLabel = "DIR", required = true, description = "New directory.")
  Path out;

  @Option(
      names = "--max-shard-size",
      paramLabel = "SIZE",
      defaultValue = "5g",
      description = "Largest safetensors file written (e.g. 5g, 500m; default: ${DEFAULT-VALUE}).")
  String maxShardSize;

  @Mixin OutputOptions output;

  @Override
  public Integer call() throws IOException {
    Path dir = model.resolve();
    int layers = ModelConfig.load(dir).numLayers();
    List<Integer> removed;
    JsonObject provenance = new JsonObject();
    if (selection.drop != null) {
      if (strategy != null || k != null) {
        throw new IllegalArgumentException("--strategy and --k go with --from-audit, not --drop");
      }
      removed = BlockSelection.parse(selection.drop, layers);
    } else {
      RemovedSet set = fromAudit(layers, provenance);
      removed = BlockSelection.check(set.blocks(), layers);
    }
    long shard = Sizes.parse(maxShardSize);
    output.status("writing %s without blocks %s ...", out, removed);
    Pruner.Result r =
        Pruner.prune(dir, removed, out, shard, provenance, n -> output.warning("%s", n));
    if (output.json) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("out", r.dir().toString());
      o.put("removed_blocks", r.removed());
      o.put("layers_before", r.layersBefore());
      o.put("layers_after", r.layersAfter());
      o.put("tensors", r.tensors());
      o.put("bytes", r.bytes());
      o.put("shards", r.shards());
      output.printJson(o);
    } else {
      output
          .out()
          .printf(
              "wrote %s: %d of %d blocks kept (removed %s), %d tensors, %s in %d file(s)%n",
              r.dir(),
              r.layersAfter(),
              r.layersBefore(),
              r.removed(),
              r.tensors(),
              Sizes.human(r.bytes()),
              r.shards());
      output.out().flush();
    }
    return 0;
  }

  /** The set the audit measured for --strategy and --k, recording its figures. */
  private RemovedSet fromAudit(int layers, JsonObject provenance) throws IOException {
    AuditResult a = AuditJson.read(selection.fromAudit);
    if (a.model().layers() != layers) {
      throw new IllegalArgumentException(
          selection.fromAudit
              + " audits a model of "
              + a.model().layers()
              + " blocks, but "
              + model.spec
              + " has "
              + layers);
    }
    Strategy s = strategy == null ? Strategy.cut : strategy;
    RemovedSet set;
    if (s == Strategy.cut) {
      if (k != null) {
        throw new IllegalArgumentException("--k does not go with --strategy cut");
      }
      set = a.summary() == null ? null : a.summary().cut();
      if (set == null) {
        throw new IllegalArgumentException(
            selection.fromAudit
                + ": the summary has no measured cut (no run of ineffective blocks)");
      }
    } else {
      RemovalSearchResult search = a.removalSearch();
      List<RemovedSet> sets =
          search == null
              ? null
              : switch (s) {
                case greedy -> search.greedy();
                case contiguous -> search.contiguousByNll();
                default -> search.contiguousByAngle();
              };
      if (sets == null) {
        throw new IllegalArgumentException(
            selection.fromAudit
                + " has no "
                + s
                + " removal search; run the audit with --search "
                + (s == Strategy.greedy ? "greedy" : "contiguous"));
      }
      if (k == null || k < 1 || k > sets.size()) {
        throw new IllegalArgumentException(
            "--k must be between 1 and " + sets.size() + " (what the audit searched), got " + k);
      }
      set = sets.get(k - 1);
    }
    provenance.addProperty("audit", selection.fromAudit.toAbsolutePath().normalize().toString());
    provenance.addProperty("strategy", s.name());
    provenance.addProperty("eval_source", a.eval().source());
    provenance.addProperty("baseline_nll", a.metrics().baselineNll());
    provenance.addProperty("joint_nll", set.jointNll());
    provenance.addProperty("joint_delta_nll", set.jointDeltaNll());
    if (set.ci95() == null) {
      // One evaluation sequence: no interval, said as null rather than a zero-width one.
      provenance.add("joint_delta_nll_ci95", JsonNull.INSTANCE);
    } else {
      JsonArray ci = new JsonArray();
      ci.add(set.ci95()[0]);
      ci.add(set.ci95()[1]);
      provenance.add("joint_delta_nll_ci95", ci);
    }
    provenance.addProperty("sum_of_single_deltas", set.sumOfSingleDeltas());
    return set;
  }
}
