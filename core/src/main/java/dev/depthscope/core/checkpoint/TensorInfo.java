package dev.depthscope.core.checkpoint;

import java.nio.file.Path;
import java.util.Arrays;

/**
 * One tensor entry of a safetensors header.
 *
 * @param name tensor name
 * @param dtype element type on disk
 * @param shape dimensions, outermost first
 * @param file the file that holds the data
 * @param start absolute byte offset of the first element in {@code file}
 * @param end absolute byte offset one past the last element
 */
public record TensorInfo(String name, DType dtype, long[] shape, Path file, long start, long end) {

  public TensorInfo {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements (1 for a scalar). */
  public long numel() {
    long n = 1;
    for (long d : shape) {
      n *= d;
    }
    return n;
  }

  /** Number of bytes on disk. */
  public long byteSize() {
    return end - start;
  }

  /** Shape as text, e.g. {@code [4096, 64]}. */
  public String shapeText() {
    return Arrays.toString(shape);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TensorInfo t
        && name.equals(t.name)
        && dtype == t.dtype
        && Arrays.equals(shape, t.shape)
        && file.equals(t.file)
        && start == t.start
        && end == t.end;
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + shapeText() + " in " + file.getFileName();
  }
}
