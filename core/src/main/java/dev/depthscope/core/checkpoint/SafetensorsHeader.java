package dev.depthscope.core.checkpoint;

import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The header both writers put at the start of a safetensors file, so the format is encoded in one
 * place: an 8-byte little-endian length, then the JSON header (optional {@code __metadata__}, then
 * per tensor its dtype, shape and data offsets, tensors laid out back to back in list order),
 * padded with spaces to a multiple of 8 so the data area is aligned.
 */
final class SafetensorsHeader {
  /** One tensor's entry; {@code bytes} is the size of its data. */
  record Tensor(String name, DType dtype, long[] shape, long bytes) {}

  private SafetensorsHeader() {}

  /** The header bytes for {@code tensors}, with {@code metadata} when it is not empty. */
  static byte[] encode(Map<String, String> metadata, List<Tensor> tensors) {
    JsonObject header = new JsonObject();
    if (!metadata.isEmpty()) {
      JsonObject m = new JsonObject();
      metadata.forEach(m::addProperty);
      header.add("__metadata__", m);
    }
    long offset = 0;
    for (Tensor t : tensors) {
      JsonObject o = new JsonObject();
      o.addProperty("dtype", t.dtype().name());
      JsonArray shape = new JsonArray();
      for (long d : t.shape()) {
        shape.add(d);
      }
      o.add("shape", shape);
      JsonArray offsets = new JsonArray();
      offsets.add(offset);
      offsets.add(offset + t.bytes());
      o.add("data_offsets", offsets);
      header.add(t.name(), o);
      offset += t.bytes();
    }
    byte[] json = new Gson().toJson(header).getBytes(StandardCharsets.UTF_8);
    int padded = (json.length + 7) / 8 * 8;
    ByteBuffer b = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(padded).put(json);
    while (b.hasRemaining()) {
      b.put((byte) ' ');
    }
    return b.array();
  }
}
