package dev.depthscope.core.checkpoint;

import dev.depthscope.core.checkpoint.SafetensorsHeaderParser.Entry;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks where a header puts its tensors: sorted by offset they must tile the data area exactly,
 * from byte 0 to the end of the file, each starting where the previous one ends (no gaps, no
 * overlaps, no trailing bytes). A tensor of 0 bytes is a point in that sequence, so it may sit at
 * any tensor boundary but not inside another tensor, as in the reference implementation.
 */
final class SafetensorsLayout {
  private SafetensorsLayout() {}

  /**
   * The tensors of {@code entries} (in header order) with absolute offsets, after checking that
   * they tile the {@code dataSize} bytes that start at {@code dataStart}.
   */
  static Map<String, TensorInfo> place(
      Path path, List<Entry> entries, long dataStart, long dataSize) {
    for (Entry e : entries) {
      if (e.end() > dataSize) {
        throw new CheckpointException(
            path
                + ": tensor "
                + Names.quote(e.name())
                + ": data_offsets ["
                + e.begin()
                + ", "
                + e.end()
                + "] run past the end of the data area ("
                + dataSize
                + " bytes; file truncated?)");
      }
    }
    List<Entry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
    Entry prev = null;
    long covered = 0;
    for (Entry e : sorted) {
      if (e.begin() < covered) {
        throw overlap(path, prev, e);
      }
      if (e.begin() > covered) {
        throw new CheckpointException(
            path
                + ": tensor "
                + Names.quote(e.name())
                + ": gap: bytes "
                + covered
                + ".."
                + e.begin()
                + " of the data area before it belong to no tensor (tensors must be back to back)");
      }
      covered = e.end();
      prev = e;
    }
    if (covered < dataSize) {
      String after =
          prev == null
              ? "the header lists no tensors, but"
              : "after the last tensor " + Names.quote(prev.name()) + ",";
      throw new CheckpointException(
          path
              + ": trailing bytes: "
              + after
              + " bytes "
              + covered
              + ".."
              + dataSize
              + " of the data area belong to no tensor");
    }
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (Entry e : entries) {
      tensors.put(
          e.name(),
          new TensorInfo(
              e.name(), e.dtype(), e.shape(), path, dataStart + e.begin(), dataStart + e.end()));
    }
    return Collections.unmodifiableMap(tensors);
  }

  private static CheckpointException overlap(Path path, Entry prev, Entry e) {
    if (e.begin() == e.end()) {
      return new CheckpointException(
          path
              + ": tensor "
              + Names.quote(e.name())
              + " (0 bytes at byte "
              + e.begin()
              + " of the data area) lies inside tensor "
              + Names.quote(prev.name())
              + " (bytes "
              + prev.begin()
              + ".."
              + prev.end()
              + "); tensors must be back to back");
    }
    return new CheckpointException(
        path
            + ": tensors "
            + Names.quote(prev.name())
            + " and "
            + Names.quote(e.name())
            + " overlap (bytes "
            + e.begin()
            + ".."
            + Math.min(prev.end(), e.end())
            + " of the data area)");
  }
}
