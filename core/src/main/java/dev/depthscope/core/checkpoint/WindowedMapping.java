package dev.depthscope.core.checkpoint;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A read-only memory mapping of a file of any size, made of windows smaller than 2 GiB (the limit
 * of one {@link MappedByteBuffer} on Java 17). Window {@code k} starts at {@code k * windowSize}
 * and maps {@link #OVERLAP} extra bytes, so an element of at most that size that starts in a window
 * always ends in it: callers never have to stitch an element from two windows. Windows are mapped
 * on first use; nothing is copied until a caller reads.
 */
final class WindowedMapping implements AutoCloseable {
  /** Bytes each window maps beyond its nominal end; at least the widest element (8 bytes). */
  static final int OVERLAP = 64;

  /** Default window size: 1 GiB. */
  static final long DEFAULT_WINDOW = 1L << 30;

  private final Path file;
  private final FileChannel channel;
  private final long size;
  private final long windowSize;
  private final MappedByteBuffer[] windows;
  // Reads hold the read lock for their whole duration; unmapping takes the write lock, so a window
  // is never unmapped while a reader still uses a slice of it.
  private final java.util.concurrent.locks.ReentrantReadWriteLock lock =
      new java.util.concurrent.locks.ReentrantReadWriteLock();

  WindowedMapping(Path file, long windowSize) throws IOException {
    if (windowSize < OVERLAP || windowSize > Integer.MAX_VALUE - OVERLAP) {
      throw new IllegalArgumentException("window size out of range: " + windowSize);
    }
    this.file = file;
    this.channel = FileChannel.open(file, StandardOpenOption.READ);
    this.size = channel.size();
    this.windowSize = windowSize;
    this.windows = new MappedByteBuffer[(int) ((size + windowSize - 1) / windowSize)];
  }

  /** File size in bytes. */
  long size() {
    return size;
  }

  /** Functional interface receiving consecutive pieces of a byte range. */
  interface ChunkConsumer {
    /**
     * @param chunk little-endian view of the piece; position 0, limit = its length
     * @param offsetInRange byte offset of the piece from the start of the requested range
     */
    void accept(ByteBuffer chunk, long offsetInRange);
  }

  /**
   * Hands the bytes {@code [start, end)} to {@code consumer} in pieces whose lengths are multiples
   * of {@code elementSize}, so no element is split between pieces.
   */
  void forEachChunk(long start, long end, int elementSize, ChunkConsumer consumer) {
    lock.readLock().lock();
    try {
      forEachChunkLocked(start, end, elementSize, consumer);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Unmaps every window, so the pages read so far stop counting towards this process's resident
   * memory (they stay in the page cache); later reads map windows again. Streaming callers do this
   * after loading each block, which keeps the resident size of a model larger than memory flat.
   */
  void unmapAll() {
    lock.writeLock().lock();
    try {
      for (int k = 0; k < windows.length; k++) {
        MappedByteBuffer w = windows[k];
        windows[k] = null;
        if (w != null) {
          DirectBuffers.free(w);
        }
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void forEachChunkLocked(long start, long end, int elementSize, ChunkConsumer consumer) {
    if (start < 0 || end > size || start > end) {
      throw new CheckpointException(
          file
              + ": byte range ["
              + start
              + ", "
              + end
              + ") is outside the file ("
              + size
              + " bytes)");
    }
    long pos = start;
    while (pos < end) {
      int k = (int) (pos / windowSize);
      ByteBuffer w = window(k);
      int inWindow = (int) (pos - k * windowSize);
      long available = Math.min(w.capacity() - (long) inWindow, end - pos);
      int n = (int) (available - available % elementSize);
      if (n == 0) {
        throw new CheckpointException(
            file + ": byte range [" + start + ", " + end + ") is not a whole number of elements");
      }
      ByteBuffer chunk = w.slice(inWindow, n).order(ByteOrder.LITTLE_ENDIAN);
      consumer.accept(chunk, pos - start);
      pos += n;
    }
  }

  /** Copies {@code length} bytes starting at {@code offset} into a new array (for headers). */
  byte[] readBytes(long offset, int length) {
    byte[] out = new byte[length];
    forEachChunk(
        offset, offset + length, 1, (chunk, at) -> chunk.get(out, (int) at, chunk.limit()));
    return out;
  }

  private synchronized ByteBuffer window(int k) {
    MappedByteBuffer w = windows[k];
    if (w == null) {
      long begin = k * windowSize;
      long length = Math.min(windowSize + OVERLAP, size - begin);
      try {
        w = channel.map(FileChannel.MapMode.READ_ONLY, begin, length);
      } catch (IOException e) {
        throw new CheckpointException(file + ": cannot memory-map bytes from " + begin, e);
      }
      windows[k] = w;
    }
    return w;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
