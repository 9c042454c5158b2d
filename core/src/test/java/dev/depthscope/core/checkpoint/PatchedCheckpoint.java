package dev.depthscope.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * Test helper: a copy of a model directory with one weight overwritten in place (in the tensor's
 * own dtype), e.g. a NaN planted in one element to check that loading refuses it.
 */
public final class PatchedCheckpoint {
  private PatchedCheckpoint() {}

  /**
   * Copies every file of {@code model} into {@code target} and sets element {@code element} (flat
   * index) of tensor {@code tensor} to {@code value}; returns {@code target}.
   */
  public static Path copyWith(Path model, Path target, String tensor, long element, float value)
      throws IOException {
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(model)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, target.resolve(f.getFileName()));
      }
    }
    return set(target, tensor, element, value);
  }

  /** Sets element {@code element} of {@code tensor} in the checkpoint in {@code dir} in place. */
  public static Path set(Path dir, String tensor, long element, float value) throws IOException {
    TensorInfo t;
    try (Checkpoint c = Checkpoint.open(dir)) {
      t = c.require(tensor);
    }
    ByteBuffer b = ByteBuffer.allocate(t.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
    switch (t.dtype()) {
      case F32 -> b.putFloat(value);
      case BF16 -> b.putShort(StreamingSafetensorsWriter.toBf16(value));
      case F16 -> b.putShort(StreamingSafetensorsWriter.toF16(value));
      default -> throw new IllegalArgumentException(tensor + " is not a float tensor");
    }
    b.flip();
    try (FileChannel ch = FileChannel.open(t.file(), StandardOpenOption.WRITE)) {
      ch.write(b, t.start() + element * t.dtype().bytes());
    }
    return dir;
  }
}
