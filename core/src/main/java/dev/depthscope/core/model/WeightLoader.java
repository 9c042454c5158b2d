package dev.depthscope.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.depthscope.core.checkpoint.Checkpoint;
import dev.depthscope.core.checkpoint.DirectBuffers;
import dev.depthscope.core.checkpoint.TensorInfo;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Turns checkpoint tensors into float32 NDArrays. Data goes from the memory-mapped file straight
 * into a direct buffer (converted from BF16/F16 on the way), which DJL then copies into libtorch;
 * tensors too large for one buffer are loaded in row blocks and concatenated.
 */
public final class WeightLoader {
  /** Largest direct buffer we allocate for one piece: 1 GiB. */
  private static final long MAX_PIECE_BYTES = 1L << 30;

  private final Checkpoint checkpoint;

  /** A loader reading from {@code checkpoint}. */
  public WeightLoader(Checkpoint checkpoint) {
    this.checkpoint = checkpoint;
  }

  /** The checkpoint read from. */
  public Checkpoint checkpoint() {
    return checkpoint;
  }

  /** Loads {@code name}, checking it has exactly {@code shape}. */
  public NDArray load(NDManager manager, String name, long... shape) {
    TensorInfo t = checkpoint.require(name, shape);
    long rows = shape.length == 0 ? 1 : shape[0];
    long rowElems = rows == 0 ? 0 : t.numel() / rows;
    long rowsPerPiece = Math.max(1, MAX_PIECE_BYTES / Math.max(1, rowElems * 4));
    if (rows <= rowsPerPiece) {
      return loadRows(manager, t, 0, rows, new Shape(shape));
    }
    NDList pieces = new NDList();
    for (long r = 0; r < rows; r += rowsPerPiece) {
      long n = Math.min(rowsPerPiece, rows - r);
      long[] pieceShape = shape.clone();
      pieceShape[0] = n;
      pieces.add(loadRows(manager, t, r, n, new Shape(pieceShape)));
    }
    NDArray whole = NDArrays.concat(pieces, 0);
    pieces.close();
    return whole;
  }

  /**
   * Loads rows {@code [firstRow, firstRow + rowCount)} of a 2-D weight (e.g. a vocabulary slice of
   * the LM head) as {@code [rowCount, cols]}.
   */
  public NDArray loadRows(NDManager manager, String name, long firstRow, long rowCount) {
    TensorInfo t = checkpoint.require(name);
    long[] s = t.shape();
    if (s.length != 2) {
      throw new IllegalArgumentException(name + " is not 2-D: " + t.shapeText());
    }
    return loadRows(manager, t, firstRow, rowCount, new Shape(rowCount, s[1]));
  }

  private NDArray loadRows(NDManager manager, TensorInfo t, long firstRow, long rows, Shape shape) {
    long count = shape.size();
    long[] full = t.shape();
    long rowElems = full.length == 0 || full[0] == 0 ? 1 : t.numel() / full[0];
    long first = firstRow * rowElems;
    ByteBuffer buf =
        ByteBuffer.allocateDirect(Math.toIntExact(count * 4)).order(ByteOrder.nativeOrder());
    checkpoint.readFloats(t, first, count, buf.asFloatBuffer());
    // DJL wraps a direct buffer without copying (torch::from_blob) and keeps the Java buffer
    // alive only through that one array object. Clone into libtorch-owned memory and free the
    // buffer now: no view can outlive its storage, and no garbage piles up in resident memory.
    NDArray wrapped = manager.create(buf, shape, DataType.FLOAT32);
    NDArray owned = wrapped.duplicate();
    wrapped.close();
    DirectBuffers.free(buf);
    return owned;
  }

  /**
   * Reads rows of a 2-D weight into a Java array without DJL (the embedding lookup reads only the
   * rows of the tokens in the batch).
   */
  public void readRow(TensorInfo t, long row, float[] dst, int offset) {
    long cols = t.shape()[1];
    checkpoint.readFloats(
        t, row * cols, cols, java.nio.FloatBuffer.wrap(dst, offset, (int) cols).slice());
  }
}
