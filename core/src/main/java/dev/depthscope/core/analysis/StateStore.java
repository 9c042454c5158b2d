package dev.depthscope.core.analysis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Where a sweep keeps the hidden states it carries from block to block: as NDArrays in native
 * memory while they fit in a byte budget, beyond it in a temporary file (one fixed-size slot per
 * state, read back through a memory mapping). The file is deleted on close.
 */
final class StateStore implements AutoCloseable {
  /** A stored state; {@link #load} gives it back as an NDArray. */
  final class Slot {
    private NDArray resident;
    private int fileSlot = -1;
    private Shape shape;

    /** The state in {@code m} (resident states are moved there). */
    NDArray load(NDManager m) {
      if (resident != null) {
        NDArray x = resident;
        resident = null;
        residentBytes -= bytes(x.getShape());
        x.attach(m);
        return x;
      }
      if (fileSlot < 0) {
        throw new IllegalStateException("empty slot");
      }
      ByteBuffer buf = readSlot(fileSlot, shape);
      freeSlots.push(fileSlot);
      fileSlot = -1;
      return m.create(buf, shape, DataType.FLOAT32);
    }

    /** Stores {@code x}, taking ownership of it. */
    void store(NDArray x) {
      shape = x.getShape();
      long b = bytes(shape);
      if (residentBytes + b <= budget) {
        x.attach(manager);
        resident = x;
        residentBytes += b;
      } else {
        fileSlot = writeSlot(x);
        x.close();
      }
    }
  }

  private final NDManager manager;
  private final long budget;
  private final Path spillDir;
  private long residentBytes;
  private FileChannel file;
  private Path filePath;
  private long slotBytes;
  private int slotsUsed;
  private final Deque<Integer> freeSlots = new ArrayDeque<>();
  private long spilledBytesPeak;

  /**
   * @param parent manager under which resident states live
   * @param budget bytes of states kept in native memory
   * @param spillDir where the spill file goes
   */
  StateStore(NDManager parent, long budget, Path spillDir) {
    this.manager = parent.newSubManager();
    this.budget = budget;
    this.spillDir = spillDir;
  }

  Slot newSlot() {
    return new Slot();
  }

  /** Bytes written to the spill file at most (0 when everything fit in the budget). */
  long spilledBytes() {
    return spilledBytesPeak;
  }

  private static long bytes(Shape s) {
    return s.size() * 4;
  }

  private int writeSlot(NDArray x) {
    long b = bytes(x.getShape());
    try {
      if (file == null) {
        filePath = Files.createTempFile(spillDir, "depthscope-states-", ".bin");
        file = FileChannel.open(filePath, StandardOpenOption.READ, StandardOpenOption.WRITE);
        // The open channel keeps the file usable; unlinked now, a kill -9 leaves nothing behind.
        try {
          Files.delete(filePath);
        } catch (IOException e) {
          filePath.toFile().deleteOnExit();
        }
        slotBytes = b;
      }
      if (b > slotBytes) {
        throw new IllegalStateException("state larger than the first spilled state");
      }
      int slot = freeSlots.isEmpty() ? slotsUsed++ : freeSlots.pop();
      ByteBuffer buf = x.toByteBuffer().order(ByteOrder.nativeOrder());
      long pos = slot * slotBytes;
      while (buf.hasRemaining()) {
        pos += file.write(buf, pos);
      }
      spilledBytesPeak = Math.max(spilledBytesPeak, (long) slotsUsed * slotBytes);
      return slot;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot spill hidden states to " + spillDir, e);
    }
  }

  private ByteBuffer readSlot(int slot, Shape shape) {
    try {
      return file.map(FileChannel.MapMode.READ_ONLY, slot * slotBytes, bytes(shape))
          .order(ByteOrder.nativeOrder());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read spilled hidden states from " + filePath, e);
    }
  }

  @Override
  public void close() {
    manager.close();
    if (file != null) {
      try {
        file.close();
        Files.deleteIfExists(filePath);
      } catch (IOException ignored) {
        // A temp file left behind is harmless and deleted on exit.
      }
    }
  }
}
