package dev.depthscope.core.analysis;

import dev.depthscope.core.eval.McItems;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What an audit's numbers depend on, as named fields, so a resumed audit can check that it
 * continues the same computation: the model (the content of {@code config.json}, and of every
 * {@code .safetensors} file its size and its header; the weights themselves are not hashed, which
 * would read gigabytes, so a file rewritten with equal size and header goes unnoticed), the token
 * ids of the NLL rows and the multiple-choice rows with their answers (hashed, so the text, its
 * tokenizer, {@code --seq-len} and {@code --max-tokens} are covered), the device, {@code --batch},
 * {@code --threshold}, the removal search, the bootstrap's resamples and seed, the chunk plan and
 * the depthscope version. Options that cannot change a number (memory budget, spill directory,
 * residency, progress, figures, report) are left out, so they may change between the runs.
 */
public final class AuditFingerprint {
  private AuditFingerprint() {}

  /**
   * The fingerprint of auditing the model in {@code modelDir} on {@code in} with {@code opt} on
   * {@code device} (e.g. {@code cpu()}).
   */
  public static Map<String, String> of(
      Path modelDir, LayerAudit.Inputs in, LayerAudit.Options opt, int layers, String device) {
    return of(modelDir, in, opt, AuditPlan.of(layers, in, opt.batchRows()), device);
  }

  /**
   * The fingerprint of auditing with the chunks of {@code plan} (an engine's plan, whose chunk
   * count follows its parallelism).
   */
  public static Map<String, String> of(
      Path modelDir, LayerAudit.Inputs in, LayerAudit.Options opt, AuditPlan plan, String device) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("journal", "1");
    String version = LayerAudit.class.getPackage().getImplementationVersion();
    f.put("depthscope", version == null ? "development" : version);
    f.put("model.config", hex(digest(read(modelDir.resolve("config.json")))));
    f.put("model.weights", weights(modelDir));
    f.put("device", device);
    if (in.rows() != null) {
      f.put("nll.rows", in.rows().length + " x " + in.rows()[0].length + " tokens");
      MessageDigest d = sha256();
      for (long[] row : in.rows()) {
        update(d, row);
      }
      f.put("nll.tokens", hex(d.digest()));
    } else {
      f.put("nll.rows", "none");
    }
    McItems mc = in.mc();
    if (mc != null) {
      f.put("mc.items", mc.questions().size() + " questions, " + mc.rows().length + " rows");
      f.put("mc.format", mc.format() + ", max " + mc.maxLength() + " tokens");
      MessageDigest d = sha256();
      for (long[] row : mc.rows()) {
        update(d, row);
      }
      for (int[] x : List.of(mc.question(), mc.choice(), mc.continuationStart())) {
        update(d, java.util.Arrays.stream(x).asLongStream().toArray());
      }
      update(d, mc.questions().stream().mapToLong(q -> q.answer()).toArray());
      f.put("mc.tokens", hex(d.digest()));
      // How the items become rows: their per-item scores are journaled in that batch order.
      f.put("mc.layout", "one packed row per question");
    } else {
      f.put("mc.items", "none");
    }
    f.put("batch", Integer.toString(opt.batchRows()));
    f.put("threshold", Double.toString(opt.threshold()));
    RemovalSearch.Options s = opt.search();
    f.put(
        "search",
        s == null
            ? "none"
            : (s.greedy() ? "greedy" : "")
                + (s.greedy() && s.contiguous() ? "+" : "")
                + (s.contiguous() ? "contiguous" : "")
                + ", remove up to "
                + s.removeUpTo());
    // The chunks carry the mechanism measurements of their batches.
    MechanismProbe.Options m = opt.mechanism();
    f.put(
        "mechanism",
        m == null
            ? "none"
            : "jacobian probes "
                + m.jacobianProbes()
                + ", seed "
                + m.seed()
                + ", logit lens "
                + (m.logitLens() ? "on" : "off"));
    f.put("bootstrap", Bootstrap.RESAMPLES + " resamples, seed " + Bootstrap.SEED);
    f.put("chunks", plan.chunks().size() + " of up to " + plan.batchesPerChunk() + " batches");
    return f;
  }

  /** One {@code key=value} a line. */
  static String format(Map<String, String> f) {
    StringBuilder b = new StringBuilder();
    f.forEach((k, v) -> b.append(k).append('=').append(v.replace('\n', ' ')).append('\n'));
    return b.toString();
  }

  /** The fields of {@link #format}'s text (lines without '=' are ignored). */
  static Map<String, String> parse(String text) {
    Map<String, String> f = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        f.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return f;
  }

  // Every .safetensors file (and the shard index): name, size and header bytes.
  private static String weights(Path dir) {
    MessageDigest d = sha256();
    long total = 0;
    int files = 0;
    List<Path> list;
    try (Stream<Path> s = Files.list(dir)) {
      list =
          s.filter(
                  p -> {
                    String n = p.getFileName().toString();
                    return n.endsWith(".safetensors") || n.endsWith(".safetensors.index.json");
                  })
              .sorted()
              .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(dir + ": cannot list the model files", e);
    }
    for (Path p : list) {
      String name = p.getFileName().toString();
      d.update(name.getBytes(StandardCharsets.UTF_8));
      try {
        long size = Files.size(p);
        total += size;
        files++;
        update(d, new long[] {size});
        d.update(name.endsWith(".json") ? read(p) : header(p));
      } catch (IOException e) {
        throw new UncheckedIOException(p + ": cannot read", e);
      }
    }
    return files + " files, " + total + " bytes, headers " + hex(d.digest());
  }

  private static byte[] header(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] len = in.readNBytes(8);
      if (len.length < 8) {
        return len;
      }
      long n = ByteBuffer.wrap(len).order(ByteOrder.LITTLE_ENDIAN).getLong();
      // The strict loader has checked the header; the bound only guards a file changed since.
      byte[] head = in.readNBytes((int) Math.max(0, Math.min(n, 100L << 20)));
      byte[] all = new byte[8 + head.length];
      System.arraycopy(len, 0, all, 0, 8);
      System.arraycopy(head, 0, all, 8, head.length);
      return all;
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": cannot read", e);
    }
  }

  private static void update(MessageDigest d, long[] values) {
    ByteBuffer b = ByteBuffer.allocate(8 * values.length + 8).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(values.length);
    for (long v : values) {
      b.putLong(v);
    }
    d.update(b.array());
  }

  private static byte[] digest(byte[] bytes) {
    return sha256().digest(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] h) {
    return "sha256:" + HexFormat.of().formatHex(h, 0, 8);
  }
}
