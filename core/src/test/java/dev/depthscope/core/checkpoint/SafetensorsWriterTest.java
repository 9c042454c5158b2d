package dev.depthscope.core.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsWriterTest {
  @TempDir Path dir;

  private List<String> filesIn(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void floatsLongsAndMetadataRoundTripBitForBit() throws IOException {
    float[] weights = {
      0f, -0f, 1.5f, Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, -2.5e-39f, 1e-40f
    };
    long[] ids = {Long.MIN_VALUE, -1, 0, 1, Long.MAX_VALUE, 4096};
    Path p = dir.resolve("rt.safetensors");
    new SafetensorsWriter()
        .addFloats("w", weights, 2, 4)
        .addLongs("ids", ids, 3, 2)
        .addFloats("scalar", new float[] {42f})
        .addFloats("empty", new float[0], 0, 7)
        .metadata("format", "pt")
        .metadata("note", "ünïcødé \"quoted\" <tag>")
        .write(p);
    try (SafetensorsFile f = SafetensorsFile.open(p, 64)) {
      assertEquals(List.of("w", "ids", "scalar", "empty"), List.copyOf(f.tensors().keySet()));
      assertEquals(Map.of("format", "pt", "note", "ünïcødé \"quoted\" <tag>"), f.metadata());
      float[] back = f.readFloats("w");
      for (int i = 0; i < weights.length; i++) {
        assertEquals(Float.floatToRawIntBits(weights[i]), Float.floatToRawIntBits(back[i]));
      }
      assertArrayEquals(new long[] {2, 4}, f.info("w").shape());
      assertEquals(DType.F32, f.info("w").dtype());
      assertArrayEquals(ids, f.readLongs("ids"));
      assertArrayEquals(new long[] {3, 2}, f.info("ids").shape());
      assertEquals(DType.I64, f.info("ids").dtype());
      assertArrayEquals(new float[] {42f}, f.readFloats("scalar"));
      assertArrayEquals(new long[0], f.info("scalar").shape());
      assertArrayEquals(new float[0], f.readFloats("empty"));
    }
  }

  @Test
  void dataAreaIsEightByteAlignedForEveryHeaderLength() throws IOException {
    for (int nameLength = 1; nameLength <= 16; nameLength++) {
      Path p = dir.resolve("align" + nameLength + ".safetensors");
      new SafetensorsWriter()
          .addFloats("x".repeat(nameLength), new float[] {1, 2, 3}, 3)
          .addLongs("n", new long[] {5}, 1)
          .write(p);
      byte[] bytes = Files.readAllBytes(p);
      long headerLength = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
      assertEquals(0, (8 + headerLength) % 8, "data start for name length " + nameLength);
      String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
      assertTrue(header.stripTrailing().endsWith("}"), header);
      assertTrue(header.substring(header.lastIndexOf('}') + 1).isBlank(), "padding is spaces");
      try (SafetensorsFile f = SafetensorsFile.open(p)) {
        assertEquals(8 + headerLength, f.info("x".repeat(nameLength)).start());
        assertEquals(bytes.length, f.info("n").end(), "no bytes after the last tensor");
      }
    }
  }

  @Test
  void emptyWriterProducesAValidFileWithNoTensors() throws IOException {
    Path p = dir.resolve("empty.safetensors");
    new SafetensorsWriter().write(p);
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertTrue(f.tensors().isEmpty());
      assertEquals(16, Files.size(p));
    }
  }

  @Test
  void overwritingReplacesTheFileAndLeavesNoTemporaryFiles() throws IOException {
    Path p = dir.resolve("model.safetensors");
    new SafetensorsWriter().addFloats("old", new float[] {1, 2, 3, 4}, 4).write(p);
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertArrayEquals(new float[] {1, 2, 3, 4}, f.readFloats("old"));
    }
    new SafetensorsWriter().addFloats("new", new float[] {9}, 1).write(p);
    assertEquals(List.of("model.safetensors"), filesIn(dir));
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertEquals(List.of("new"), List.copyOf(f.tensors().keySet()));
      assertArrayEquals(new float[] {9}, f.readFloats("new"));
    }
  }

  @Test
  void failedMoveLeavesTheTargetAloneAndRemovesTheTemporaryFile() throws IOException {
    // A non-empty directory cannot be replaced by a file, so the final move fails.
    Path target = dir.resolve("busy.safetensors");
    Files.createDirectories(target);
    Files.writeString(target.resolve("keep.txt"), "keep");
    assertThrows(
        IOException.class,
        () -> new SafetensorsWriter().addFloats("w", new float[] {1}, 1).write(target));
    assertEquals(List.of("busy.safetensors"), filesIn(dir));
    assertEquals("keep", Files.readString(target.resolve("keep.txt")));
  }

  @Test
  void missingParentDirectoriesAreCreated() throws IOException {
    Path p = dir.resolve("a/b/c.safetensors");
    new SafetensorsWriter().addLongs("n", new long[] {3}, 1).write(p);
    try (SafetensorsFile f = SafetensorsFile.open(p)) {
      assertArrayEquals(new long[] {3}, f.readLongs("n"));
    }
  }

  @Test
  void inconsistentTensorsAreRefusedWhenAdded() {
    SafetensorsWriter w = new SafetensorsWriter().addFloats("a", new float[] {1, 2}, 2);
    IllegalArgumentException shape =
        assertThrows(IllegalArgumentException.class, () -> w.addFloats("b", new float[3], 2, 2));
    assertTrue(shape.getMessage().contains("3 values for shape [2, 2]"), shape.getMessage());
    IllegalArgumentException dup =
        assertThrows(IllegalArgumentException.class, () -> w.addLongs("a", new long[1], 1));
    assertTrue(dup.getMessage().contains("duplicate tensor a"), dup.getMessage());
    assertThrows(IllegalArgumentException.class, () -> w.addFloats("neg", new float[2], -1, -2));
    assertThrows(
        IllegalArgumentException.class, () -> w.addFloats("__metadata__", new float[1], 1));
  }
}
