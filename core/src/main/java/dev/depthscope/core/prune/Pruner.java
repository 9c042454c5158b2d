package dev.depthscope.core.prune;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.depthscope.core.checkpoint.Checkpoint;
import dev.depthscope.core.checkpoint.SafetensorsCopier;
import dev.depthscope.core.checkpoint.TensorInfo;
import dev.depthscope.core.config.ModelConfig;
import dev.depthscope.core.io.OutputSet;
import dev.depthscope.core.io.PartialFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a copy of a Hugging Face model directory with some blocks removed: {@code
 * model.layers.{i}.*} tensors of the kept blocks renamed to their new index and copied byte for
 * byte (dtype and values unchanged) from the memory-mapped input, one tensor at a time so memory
 * stays flat; shards of at most a given size with {@code model.safetensors.index.json}; {@code
 * config.json} rewritten ({@link PrunedConfig}) with a {@code depthscope_pruning} record; the other
 * top-level files (tokenizer, generation config, ...) copied. Everything is written to a temporary
 * directory beside the target and renamed into place, so the target is either complete or absent.
 */
public final class Pruner {
  private Pruner() {}

  private static final Pattern LAYER = Pattern.compile("^model\\.layers\\.(\\d{1,9})\\.(.+)$");

  /**
   * What was written.
   *
   * @param dir the pruned model directory
   * @param removed removed blocks (original indices)
   * @param layersBefore blocks of the source model
   * @param layersAfter blocks of the pruned model
   * @param tensors tensors written
   * @param bytes bytes of tensor data written
   * @param shards safetensors files written
   */
  public record Result(
      Path dir,
      List<Integer> removed,
      int layersBefore,
      int layersAfter,
      int tensors,
      long bytes,
      int shards) {}

  /**
   * Writes {@code source} without the blocks {@code removed} to the new directory {@code target}.
   *
   * @param maxShardBytes largest data size of one output file (a larger tensor gets a file alone)
   * @param provenance extra fields for the {@code depthscope_pruning} record (e.g. the audit's
   *     measured figures); may be empty
   * @param notices what the user should know (dropped multi-token-prediction layers, ...)
   */
  public static Result prune(
      Path source,
      List<Integer> removed,
      Path target,
      long maxShardBytes,
      JsonObject provenance,
      Consumer<String> notices)
      throws IOException {
    if (Files.exists(target)) {
      throw new IllegalArgumentException(
          target + " already exists; give a new directory for the pruned model");
    }
    if (maxShardBytes <= 0) {
      throw new IllegalArgumentException("--max-shard-size must be positive");
    }
    ModelConfig original = ModelConfig.load(source);
    int layers = original.numLayers();
    BlockSelection.check(removed, layers);
    int[] newIndex = new int[layers];
    List<Integer> kept = new ArrayList<>();
    for (int l = 0; l < layers; l++) {
      newIndex[l] = removed.contains(l) ? -1 : kept.size();
      if (newIndex[l] >= 0) {
        kept.add(l);
      }
    }
    Path configFile = source.resolve("config.json");
    JsonObject json =
        JsonParser.parseString(Files.readString(configFile, StandardCharsets.UTF_8))
            .getAsJsonObject();
    JsonObject config = PrunedConfig.rewrite(configFile, json, original, kept, notices);
    config.add("depthscope_pruning", record(source, removed, kept, layers, provenance));

    Path tmp = PartialFile.createDirectory(target);
    try (Checkpoint ckpt = Checkpoint.open(source)) {
      List<SafetensorsCopier.Copy> copies = plan(ckpt, newIndex, layers, notices);
      List<List<SafetensorsCopier.Copy>> shards = shards(copies, maxShardBytes);
      Map<String, String> weightMap = new LinkedHashMap<>();
      long bytes = 0;
      for (int s = 0; s < shards.size(); s++) {
        String name =
            shards.size() == 1
                ? Checkpoint.SINGLE_FILE
                : String.format("model-%05d-of-%05d.safetensors", s + 1, shards.size());
        SafetensorsCopier.write(tmp.resolve(name), shards.get(s));
        for (SafetensorsCopier.Copy c : shards.get(s)) {
          weightMap.put(c.name(), name);
          bytes += c.source().byteSize();
        }
      }
      if (shards.size() > 1) {
        writeIndex(tmp.resolve(Checkpoint.INDEX_FILE), weightMap, bytes);
      }
      Files.writeString(
          tmp.resolve("config.json"),
          new GsonBuilder()
                  .setPrettyPrinting()
                  .serializeNulls()
                  .disableHtmlEscaping()
                  .create()
                  .toJson(config)
              + "\n",
          StandardCharsets.UTF_8);
      copyOtherFiles(source, tmp);
      PrunedConfig.verify(original, ModelConfig.load(tmp), kept);
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return new Result(target, removed, layers, kept.size(), copies.size(), bytes, shards.size());
    } finally {
      try {
        OutputSet.deleteTree(tmp);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot remove the partial output " + tmp, e);
      }
    }
  }

  /** The output tensors: renamed kept blocks and everything else, in the source's order. */
  private static List<SafetensorsCopier.Copy> plan(
      Checkpoint ckpt, int[] newIndex, int layers, Consumer<String> notices) {
    List<SafetensorsCopier.Copy> copies = new ArrayList<>();
    boolean extra = false;
    for (TensorInfo t : ckpt.tensors().values()) {
      Matcher m = LAYER.matcher(t.name());
      if (!m.matches()) {
        copies.add(new SafetensorsCopier.Copy(t.name(), t));
        continue;
      }
      int l = Integer.parseInt(m.group(1));
      if (l >= layers) {
        extra = true; // multi-token-prediction layers past num_hidden_layers
      } else if (newIndex[l] >= 0) {
        copies.add(new SafetensorsCopier.Copy("model.layers." + newIndex[l] + "." + m.group(2), t));
      }
    }
    if (extra) {
      notices.accept(
          "tensors of layers numbered from " + layers + " on (multi-token prediction) are dropped");
    }
    // Embeddings first, then blocks in their new order, then the rest, as transformers saves them.
    copies.sort(Comparator.comparingInt(Pruner::rank));
    return copies;
  }

  private static int rank(SafetensorsCopier.Copy c) {
    Matcher m = LAYER.matcher(c.name());
    if (m.matches()) {
      return 1 + Integer.parseInt(m.group(1));
    }
    return c.name().startsWith("model.embed") ? 0 : Integer.MAX_VALUE;
  }

  private static List<List<SafetensorsCopier.Copy>> shards(
      List<SafetensorsCopier.Copy> copies, long maxBytes) {
    List<List<SafetensorsCopier.Copy>> shards = new ArrayList<>();
    List<SafetensorsCopier.Copy> current = new ArrayList<>();
    long size = 0;
    for (SafetensorsCopier.Copy c : copies) {
      long b = c.source().byteSize();
      if (!current.isEmpty() && size + b > maxBytes) {
        shards.add(current);
        current = new ArrayList<>();
        size = 0;
      }
      current.add(c);
      size += b;
    }
    if (!current.isEmpty()) {
      shards.add(current);
    }
    return shards;
  }

  private static JsonObject record(
      Path source, List<Integer> removed, List<Integer> kept, int layers, JsonObject provenance) {
    JsonObject r = new JsonObject();
    r.addProperty("source_model", source.toAbsolutePath().normalize().toString());
    r.addProperty("source_layers", layers);
    JsonArray rm = new JsonArray();
    removed.forEach(rm::add);
    r.add("removed_blocks", rm);
    JsonArray kp = new JsonArray();
    kept.forEach(kp::add);
    r.add("kept_blocks", kp);
    provenance.entrySet().forEach(e -> r.add(e.getKey(), e.getValue()));
    return r;
  }

  private static void writeIndex(Path file, Map<String, String> weightMap, long bytes)
      throws IOException {
    JsonObject index = new JsonObject();
    JsonObject meta = new JsonObject();
    meta.addProperty("total_size", bytes);
    index.add("metadata", meta);
    JsonObject wm = new JsonObject();
    weightMap.forEach(wm::addProperty);
    index.add("weight_map", wm);
    Files.writeString(file, new GsonBuilder().setPrettyPrinting().create().toJson(index) + "\n");
  }

  /** Tokenizer files, generation config and other top-level files that are not weights. */
  private static void copyOtherFiles(Path source, Path target) throws IOException {
    try (DirectoryStream<Path> files = Files.newDirectoryStream(source)) {
      for (Path f : files) {
        String name = f.getFileName().toString();
        boolean weights =
            name.endsWith(".safetensors")
                || name.equals(Checkpoint.INDEX_FILE)
                || name.equals("config.json");
        if (Files.isRegularFile(f) && !weights && !name.startsWith(".")) {
          Files.copy(f, target.resolve(name), StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
  }
}
