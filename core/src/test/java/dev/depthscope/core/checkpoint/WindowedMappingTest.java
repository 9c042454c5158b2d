package dev.depthscope.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The raw window arithmetic, checked with windows far smaller than a real file's. */
class WindowedMappingTest {
  private static final long[] WINDOWS = {64, 65, 67, 71, 97, 100, 128};

  @TempDir Path dir;

  private Path patternFile(int size) throws IOException {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) {
      b[i] = (byte) (i * 31 + 7);
    }
    return Files.write(dir.resolve("pattern.bin"), b);
  }

  @Test
  void chunksCoverEveryRangeExactlyOnceWithoutSplittingElements() throws IOException {
    int size = 1003;
    Path p = patternFile(size);
    byte[] all = Files.readAllBytes(p);
    for (long window : WINDOWS) {
      try (WindowedMapping m = new WindowedMapping(p, window)) {
        assertEquals(size, m.size());
        for (int elem : new int[] {1, 2, 4, 8}) {
          for (int start = 0; start < 3 * window && start < size; start += 3) {
            int end = start + (size - start) / elem * elem;
            ByteArrayOutputStream seen = new ByteArrayOutputStream();
            long[] expectedOffset = {0};
            int[] chunks = {0};
            m.forEachChunk(
                start,
                end,
                elem,
                (chunk, at) -> {
                  assertEquals(expectedOffset[0], at, "chunks must be consecutive");
                  assertEquals(0, chunk.position());
                  assertTrue(chunk.limit() > 0);
                  assertEquals(0, chunk.limit() % elem, "a chunk split an element");
                  byte[] b = new byte[chunk.limit()];
                  chunk.get(b);
                  seen.writeBytes(b);
                  expectedOffset[0] += b.length;
                  chunks[0]++;
                });
            assertArrayEquals(
                Arrays.copyOfRange(all, start, end),
                seen.toByteArray(),
                "window " + window + ", element " + elem + ", start " + start);
            assertTrue(
                chunks[0] >= (end - start) / (window + WindowedMapping.OVERLAP),
                "a range longer than a window must come in several chunks");
          }
        }
      }
    }
  }

  @Test
  void readBytesAcrossManyWindowsMatchesTheFile() throws IOException {
    Path p = patternFile(700);
    byte[] all = Files.readAllBytes(p);
    try (WindowedMapping m = new WindowedMapping(p, 67)) {
      assertArrayEquals(all, m.readBytes(0, all.length));
      assertArrayEquals(Arrays.copyOfRange(all, 66, 69), m.readBytes(66, 3));
      assertArrayEquals(Arrays.copyOfRange(all, 699, 700), m.readBytes(699, 1));
      assertArrayEquals(new byte[0], m.readBytes(700, 0));
    }
  }

  @Test
  void rangeOutsideTheFileIsACheckpointErrorNamingTheFile() throws IOException {
    Path p = patternFile(100);
    try (WindowedMapping m = new WindowedMapping(p, 64)) {
      for (long[] r : new long[][] {{-1, 4}, {90, 101}, {50, 40}}) {
        CheckpointException e =
            assertThrows(
                CheckpointException.class, () -> m.forEachChunk(r[0], r[1], 1, (c, at) -> {}));
        assertTrue(e.getMessage().contains("pattern.bin"), e.getMessage());
        assertTrue(e.getMessage().contains("outside the file (100 bytes)"), e.getMessage());
      }
    }
  }

  @Test
  void rangeThatIsNotWholeElementsIsRejected() throws IOException {
    Path p = patternFile(100);
    try (WindowedMapping m = new WindowedMapping(p, 64)) {
      CheckpointException e =
          assertThrows(CheckpointException.class, () -> m.forEachChunk(0, 7, 2, (c, at) -> {}));
      assertTrue(e.getMessage().contains("not a whole number of elements"), e.getMessage());
    }
  }

  @Test
  void windowSmallerThanTheOverlapIsRefused() throws IOException {
    Path p = patternFile(10);
    assertThrows(
        IllegalArgumentException.class, () -> new WindowedMapping(p, WindowedMapping.OVERLAP - 1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new WindowedMapping(p, (long) Integer.MAX_VALUE - WindowedMapping.OVERLAP + 1));
  }

  @Test
  void readsAfterUnmappingMapTheWindowsAgain(@org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    byte[] data = new byte[1000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7);
    }
    Path f = java.nio.file.Files.write(dir.resolve("u.bin"), data);
    try (WindowedMapping m = new WindowedMapping(f, 64)) {
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          java.util.Arrays.copyOfRange(data, 100, 900), m.readBytes(100, 800));
      m.unmapAll();
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          java.util.Arrays.copyOfRange(data, 3, 997), m.readBytes(3, 994));
      m.unmapAll();
      m.unmapAll();
      org.junit.jupiter.api.Assertions.assertArrayEquals(
          java.util.Arrays.copyOfRange(data, 0, 10), m.readBytes(0, 10));
    }
  }
}
