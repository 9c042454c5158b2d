package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal of a resumable audit: records come back to the bit, a damaged record is run again
 * instead of being trusted, and a journal of other inputs is refused naming each difference.
 */
class FileJournalTest {
  @TempDir Path tmp;

  private static ChunkResult chunk(int index) {
    HiddenStateMetrics.Partial p =
        new HiddenStateMetrics.Partial(
            new double[] {1.5, Double.MIN_VALUE},
            new double[] {0.1},
            new double[] {-0.0},
            new double[][] {{0, 0.25}, {0, 0}},
            96,
            2);
    return new ChunkResult(
        index,
        new double[] {Math.PI, 1e-300},
        new double[][] {{2.5, Math.E}},
        List.of(p),
        List.of(
            new PeerMetrics.Partial(
                new double[] {0.5},
                new double[] {0.25},
                new double[] {1, 2},
                new double[] {3},
                48,
                1)),
        List.of(
            new MechanismProbe.Partial(
                new double[][] {{4, 9}},
                new double[][] {{16, 25}},
                new double[][][] {{{0.5, Double.MIN_VALUE}, {1e-300, 2}}},
                new LogitLens.Partial(new double[][] {{7.5, 8}, {6, 5}}, new long[] {3, 64}, 64),
                128,
                0.25)),
        new long[][] {null, {3, 4}},
        10,
        0,
        0.5);
  }

  private static Map<String, String> fingerprint(String batch) {
    Map<String, String> f = new LinkedHashMap<>();
    f.put("model.config", "sha256:00ff");
    f.put("batch", batch);
    f.put("threshold", "0.01");
    return f;
  }

  @Test
  void recordsComeBackToTheBitAndDamagedOnesAreRunAgain() throws Exception {
    Path dir = tmp.resolve("j");
    FileJournal j = FileJournal.create(dir, fingerprint("2"));
    j.chunkDone(chunk(3));
    j.passDone("nll [[0, 1]]", new AuditJournal.JointPass(new double[][] {{0.1, 0.2}}, 7));

    FileJournal again = FileJournal.resume(dir, fingerprint("2"));
    ChunkResult back = again.chunk(3);
    assertArrayEquals(chunk(3).base(), back.base());
    assertArrayEquals(chunk(3).pruned()[0], back.pruned()[0]);
    assertEquals(
        Double.doubleToRawLongBits(-0.0),
        Double.doubleToRawLongBits(back.hidden().get(0).influence()[0]));
    assertArrayEquals(new long[] {3, 4}, back.expertLoad()[1]);
    MechanismProbe.Partial m = back.mechanism().get(0);
    MechanismProbe.Partial was = chunk(3).mechanism().get(0);
    assertArrayEquals(was.update()[0], m.update()[0]);
    assertArrayEquals(was.input()[0], m.input()[0]);
    assertArrayEquals(was.probeSquares()[0][0], m.probeSquares()[0][0]);
    assertArrayEquals(was.probeSquares()[0][1], m.probeSquares()[0][1]);
    assertArrayEquals(was.lens().rowNll()[1], m.lens().rowNll()[1]);
    assertArrayEquals(was.lens().agree(), m.lens().agree());
    assertEquals(64, m.lens().positions());
    assertEquals(128, m.entriesPerRow());
    assertNull(back.expertLoad()[0]);
    assertNull(again.chunk(4), "a chunk never finished is not in the journal");
    assertEquals(7, again.pass("nll [[0, 1]]").blockEvaluations());
    assertNull(again.pass("nll [[0, 2]]"));
    assertEquals(1, again.restoredChunks());

    Path file = dir.resolve("chunk-00003.bin");
    byte[] bytes = Files.readAllBytes(file);
    bytes[bytes.length / 2] ^= 1;
    Files.write(file, bytes);
    assertNull(FileJournal.resume(dir, fingerprint("2")).chunk(3), "a damaged record is redone");
  }

  @Test
  void journalOfOtherInputsIsRefusedNamingEachDifference() throws Exception {
    Path dir = tmp.resolve("j");
    FileJournal.create(dir, fingerprint("2"));
    Map<String, String> now = fingerprint("4");
    now.put("search", "greedy, remove up to 2");
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> FileJournal.resume(dir, now));
    assertTrue(e.getMessage().contains("batch: 2 in the journal, 4 now"), e.getMessage());
    assertTrue(
        e.getMessage().contains("search: (none) in the journal, greedy, remove up to 2 now"),
        e.getMessage());
    assertTrue(!e.getMessage().contains("threshold"), e.getMessage());
  }
}
