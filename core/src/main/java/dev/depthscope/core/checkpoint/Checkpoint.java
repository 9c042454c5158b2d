package dev.depthscope.core.checkpoint;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonSyntaxException;
import dev.depthscope.core.io.ReadErrors;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The weights of a Hugging Face model directory: either one {@code model.safetensors} or the shards
 * listed by {@code model.safetensors.index.json}. Every file is memory-mapped and validated when
 * the checkpoint opens; tensors are converted to float32 only when read.
 */
public final class Checkpoint implements AutoCloseable {
  /** Name of the single-file checkpoint. */
  public static final String SINGLE_FILE = "model.safetensors";

  /** Name of the shard index. */
  public static final String INDEX_FILE = "model.safetensors.index.json";

  private final Path dir;
  private final List<SafetensorsFile> files;
  private final Map<String, TensorInfo> tensors;
  private final Map<Path, SafetensorsFile> byPath;

  private Checkpoint(Path dir, List<SafetensorsFile> files, Map<String, TensorInfo> tensors) {
    this.dir = dir;
    this.files = List.copyOf(files);
    this.tensors = Collections.unmodifiableMap(tensors);
    Map<Path, SafetensorsFile> m = new HashMap<>();
    for (SafetensorsFile f : files) {
      m.put(f.path(), f);
    }
    this.byPath = m;
  }

  /** Opens the checkpoint in {@code dir} with the default mapping windows. */
  public static Checkpoint open(Path dir) {
    return open(dir, WindowedMapping.DEFAULT_WINDOW);
  }

  /** Opens the checkpoint in {@code dir}, mapping files in windows of {@code windowSize} bytes. */
  public static Checkpoint open(Path dir, long windowSize) {
    Path index = dir.resolve(INDEX_FILE);
    Path single = dir.resolve(SINGLE_FILE);
    if (Files.isRegularFile(index)) {
      return openSharded(dir, index, windowSize);
    }
    if (Files.isRegularFile(single)) {
      SafetensorsFile f = SafetensorsFile.open(single, windowSize);
      return new Checkpoint(dir, List.of(f), new LinkedHashMap<>(f.tensors()));
    }
    throw new CheckpointException(
        dir + ": no " + SINGLE_FILE + " or " + INDEX_FILE + " (only safetensors checkpoints load)");
  }

  private static Checkpoint openSharded(Path dir, Path index, long windowSize) {
    Map<String, String> weightMap = readWeightMap(index);
    Path root = dir.toAbsolutePath().normalize();
    Map<String, Path> shardPaths = new TreeMap<>();
    for (String file : weightMap.values()) {
      if (shardPaths.containsKey(file)) {
        continue;
      }
      Path p;
      boolean absolute;
      try {
        p = root.resolve(file).normalize();
        absolute = Path.of(file).isAbsolute();
      } catch (InvalidPathException e) {
        throw new CheckpointException(
            index + ": weight_map names \"" + file + "\", which is not a valid file name");
      }
      if (absolute || !p.startsWith(root) || p.equals(root)) {
        throw new CheckpointException(
            index + ": weight_map names \"" + file + "\", which is outside the model directory");
      }
      if (!Files.isRegularFile(p)) {
        throw new CheckpointException(
            index + ": weight_map names \"" + file + "\", which is missing");
      }
      shardPaths.put(file, p);
    }
    List<SafetensorsFile> opened = new ArrayList<>();
    try {
      Map<String, SafetensorsFile> shards = new HashMap<>();
      for (Map.Entry<String, Path> e : shardPaths.entrySet()) {
        SafetensorsFile f = SafetensorsFile.open(e.getValue(), windowSize);
        opened.add(f);
        shards.put(e.getKey(), f);
      }
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      for (Map.Entry<String, String> e : weightMap.entrySet()) {
        SafetensorsFile f = shards.get(e.getValue());
        TensorInfo t = f.tensors().get(e.getKey());
        if (t == null) {
          throw new CheckpointException(
              index
                  + ": weight_map puts tensor \""
                  + e.getKey()
                  + "\" in "
                  + e.getValue()
                  + ", which does not contain it");
        }
        tensors.put(e.getKey(), t);
      }
      return new Checkpoint(dir, opened, tensors);
    } catch (RuntimeException e) {
      opened.forEach(SafetensorsFile::close);
      throw e;
    }
  }

  private static Map<String, String> readWeightMap(Path index) {
    JsonElement root;
    try {
      root = JsonParser.parseString(Files.readString(index));
    } catch (IOException e) {
      throw new CheckpointException(ReadErrors.ioMessage(index, e), e);
    } catch (JsonSyntaxException e) {
      throw new CheckpointException(index + ": " + ReadErrors.json(e));
    }
    JsonElement wm = root.isJsonObject() ? root.getAsJsonObject().get("weight_map") : null;
    if (wm == null || !wm.isJsonObject()) {
      throw new CheckpointException(index + ": field \"weight_map\" (an object) is missing");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : ((JsonObject) wm).entrySet()) {
      JsonElement v = e.getValue();
      if (!v.isJsonPrimitive() || !v.getAsJsonPrimitive().isString()) {
        throw new CheckpointException(
            index + ": weight_map entry \"" + e.getKey() + "\" must be a file name");
      }
      out.put(e.getKey(), v.getAsString());
    }
    return out;
  }

  /** The model directory. */
  public Path dir() {
    return dir;
  }

  /** The opened files. */
  public List<SafetensorsFile> files() {
    return files;
  }

  /** All tensors by name. */
  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  /** Whether the checkpoint holds {@code name}. */
  public boolean contains(String name) {
    return tensors.containsKey(name);
  }

  /**
   * The entry for {@code name}, which the model needs.
   *
   * @throws CheckpointException naming the directory and tensor when no file has it
   */
  public TensorInfo require(String name) {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new CheckpointException(
          dir + ": tensor \"" + name + "\" is needed by the model config but no file holds it");
    }
    return t;
  }

  /**
   * The entry for {@code name}, checked to have exactly {@code shape}.
   *
   * @throws CheckpointException naming the file, the tensor and both shapes on a mismatch
   */
  public TensorInfo require(String name, long... shape) {
    TensorInfo t = require(name);
    if (!java.util.Arrays.equals(t.shape(), shape)) {
      throw new CheckpointException(
          t.file()
              + ": tensor \""
              + name
              + "\" has shape "
              + t.shapeText()
              + ", but the model config implies "
              + java.util.Arrays.toString(shape));
    }
    return t;
  }

  /** Reads elements {@code [first, first + count)} of a weight as float32 into {@code dst}. */
  public void readFloats(TensorInfo t, long first, long count, FloatBuffer dst) {
    SafetensorsFile f = byPath.get(t.file());
    if (f == null) {
      throw new IllegalArgumentException(t + " is not part of " + dir);
    }
    f.readFloats(t, first, count, dst);
  }

  /**
   * The dtype most of the weights are stored in (by bytes), e.g. BF16; mixed checkpoints report
   * their dominant type.
   */
  public DType dominantDtype() {
    Map<DType, Long> bytes = new TreeMap<>();
    for (TensorInfo t : tensors.values()) {
      bytes.merge(t.dtype(), t.byteSize(), Long::sum);
    }
    return bytes.entrySet().stream()
        .max(Map.Entry.comparingByValue())
        .map(Map.Entry::getKey)
        .orElse(DType.F32);
  }

  /** Total bytes of tensor data across files. */
  public long totalBytes() {
    return tensors.values().stream().mapToLong(TensorInfo::byteSize).sum();
  }

  /** Unmaps every file's windows (see {@link SafetensorsFile#releaseMappings()}). */
  public void releaseMappings() {
    files.forEach(SafetensorsFile::releaseMappings);
  }

  @Override
  public void close() {
    files.forEach(SafetensorsFile::close);
  }
}
