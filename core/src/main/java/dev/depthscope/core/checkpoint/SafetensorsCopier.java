package dev.depthscope.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a safetensors file whose tensors are byte ranges of existing files, copied exactly (dtype
 * and bytes unchanged, no float conversion) under new names. The copy goes file channel to file
 * channel in the kernel, so memory stays flat however large the tensors are.
 */
public final class SafetensorsCopier {
  private SafetensorsCopier() {}

  /** One tensor of the output: {@code source}'s bytes under {@code name}. */
  public record Copy(String name, TensorInfo source) {}

  /**
   * Writes {@code tensors}, in order, to a new file {@code target} (metadata {@code format=pt}).
   */
  public static void write(Path target, List<Copy> tensors) throws IOException {
    List<SafetensorsHeader.Tensor> entries = new ArrayList<>();
    for (Copy c : tensors) {
      TensorInfo s = c.source();
      entries.add(new SafetensorsHeader.Tensor(c.name(), s.dtype(), s.shape(), s.byteSize()));
    }
    byte[] header = SafetensorsHeader.encode(Map.of("format", "pt"), entries);
    Map<Path, FileChannel> sources = new HashMap<>();
    try (FileChannel out =
        FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      ByteBuffer h = ByteBuffer.wrap(header);
      while (h.hasRemaining()) {
        out.write(h);
      }
      for (Copy c : tensors) {
        TensorInfo s = c.source();
        FileChannel in = sources.get(s.file());
        if (in == null) {
          in = FileChannel.open(s.file(), StandardOpenOption.READ);
          sources.put(s.file(), in);
        }
        long pos = s.start();
        while (pos < s.end()) {
          long n = in.transferTo(pos, s.end() - pos, out);
          if (n <= 0) {
            throw new IOException(s.file() + ": ended inside tensor \"" + s.name() + "\"");
          }
          pos += n;
        }
      }
      out.force(true);
    } finally {
      for (FileChannel in : sources.values()) {
        in.close();
      }
    }
  }
}
