package dev.depthscope.core.checkpoint;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file as editable header text for the fuzzer: every number is kept as the literal
 * that will be written, so a mutation can put {@code 64.0} where {@code 64} was, repeat a key, or
 * add a field, and {@link #bytes} writes exactly that text, its length and the data.
 */
final class FuzzDoc {
  /** One header entry; null fields are left out. */
  static final class Entry {
    String name;
    String dtypeJson;
    List<String> shape = new ArrayList<>();
    List<String> offsets = new ArrayList<>();

    /** Extra raw {@code "key":value} fields, written after the known ones. */
    List<String> extra = new ArrayList<>();

    Entry copy() {
      Entry e = new Entry();
      e.name = name;
      e.dtypeJson = dtypeJson;
      e.shape = new ArrayList<>(shape);
      e.offsets = new ArrayList<>(offsets);
      e.extra = new ArrayList<>(extra);
      return e;
    }

    String json() {
      List<String> fields = new ArrayList<>();
      if (dtypeJson != null) {
        fields.add("\"dtype\":" + dtypeJson);
      }
      if (shape != null) {
        fields.add("\"shape\":[" + String.join(",", shape) + "]");
      }
      if (offsets != null) {
        fields.add("\"data_offsets\":[" + String.join(",", offsets) + "]");
      }
      fields.addAll(extra);
      return "\"" + name + "\":{" + String.join(",", fields) + "}";
    }
  }

  /** Raw JSON of the {@code __metadata__} value, or null for none. */
  String metadataJson;

  List<Entry> entries = new ArrayList<>();

  /** Extra raw top-level {@code "key":value} members, written last. */
  List<String> extraTop = new ArrayList<>();

  byte[] data = new byte[0];
  String before = "";
  String after = "";

  /** A document for tensors of {@code dtypes}, {@code shapes}, laid out back to back. */
  static FuzzDoc of(Map<String, String> metadata, List<String[]> tensors, byte[] data) {
    FuzzDoc d = new FuzzDoc();
    if (!metadata.isEmpty()) {
      StringBuilder sb = new StringBuilder("{");
      metadata.forEach(
          (k, v) ->
              sb.append(sb.length() > 1 ? "," : "").append(quote(k)).append(':').append(quote(v)));
      d.metadataJson = sb.append('}').toString();
    }
    long offset = 0;
    for (String[] t : tensors) {
      Entry e = new Entry();
      e.name = t[0];
      e.dtypeJson = quote(t[1]);
      long numel = 1;
      for (int i = 2; i < t.length; i++) {
        e.shape.add(t[i]);
        numel *= Long.parseLong(t[i]);
      }
      long bytes = numel * ReferenceValidator.sizeOf(t[1]);
      e.offsets.add(Long.toString(offset));
      e.offsets.add(Long.toString(offset + bytes));
      offset += bytes;
      d.entries.add(e);
    }
    if (offset != data.length) {
      throw new IllegalArgumentException("data holds " + data.length + " bytes, not " + offset);
    }
    d.data = data.clone();
    return d;
  }

  FuzzDoc copy() {
    FuzzDoc d = new FuzzDoc();
    d.metadataJson = metadataJson;
    for (Entry e : entries) {
      d.entries.add(e.copy());
    }
    d.extraTop = new ArrayList<>(extraTop);
    d.data = data.clone();
    d.before = before;
    d.after = after;
    return d;
  }

  String headerText() {
    List<String> members = new ArrayList<>();
    if (metadataJson != null) {
      members.add("\"__metadata__\":" + metadataJson);
    }
    for (Entry e : entries) {
      members.add(e.json());
    }
    members.addAll(extraTop);
    return before + "{" + String.join(",", members) + "}" + after;
  }

  byte[] bytes() {
    return file(headerText().getBytes(StandardCharsets.UTF_8), data);
  }

  /** The length field, the header bytes, then the data. */
  static byte[] file(byte[] header, byte[] data) {
    return ByteBuffer.allocate(8 + header.length + data.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(header.length)
        .put(header)
        .put(data)
        .array();
  }

  /** The header bytes of a well-formed {@code file} (as its length field says). */
  static byte[] header(byte[] file) {
    long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    byte[] h = new byte[(int) n];
    System.arraycopy(file, 8, h, 0, h.length);
    return h;
  }

  /** The data bytes of a well-formed {@code file}. */
  static byte[] data(byte[] file) {
    int start = 8 + header(file).length;
    byte[] d = new byte[file.length - start];
    System.arraycopy(file, start, d, 0, d.length);
    return d;
  }

  static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
