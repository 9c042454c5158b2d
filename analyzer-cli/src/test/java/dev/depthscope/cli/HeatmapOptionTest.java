package dev.depthscope.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.analysis.AuditJson;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --heatmap}: the paper's drawing of the angular-distance matrix only when asked. */
class HeatmapOptionTest {

  @Test
  void paperAddsThePapersHeatmapBesideOurs(@TempDir Path tmp) throws Exception {
    Path json = tmp.resolve("audit.json");
    AuditJson.write(ReportCommandsTest.audit("m", 6, 1.3), json);
    Run ours = Run.of("report", json.toString(), "--figures", "png");
    assertEquals(0, ours.code(), ours.err());
    assertTrue(Files.isRegularFile(tmp.resolve("angular-matrix.png")));
    assertFalse(Files.exists(tmp.resolve("angular-matrix-paper.png")), "not by default");
    Run paper = Run.of("report", json.toString(), "--figures", "png", "--heatmap", "PAPER");
    assertEquals(0, paper.code(), paper.err());
    assertTrue(Files.isRegularFile(tmp.resolve("angular-matrix.png")));
    assertTrue(Files.isRegularFile(tmp.resolve("angular-matrix-paper.png")));
    String page = Files.readString(tmp.resolve("report.html"));
    assertTrue(page.contains("drawn as in the paper"), "the page labels the paper's drawing");
  }

  @Test
  void anUnknownStyleIsRefusedBeforeAnyWork(@TempDir Path tmp) throws Exception {
    Path json = tmp.resolve("audit.json");
    AuditJson.write(ReportCommandsTest.audit("m", 6, 1.3), json);
    Run r = Run.of("report", json.toString(), "--heatmap", "gromov");
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("expected ours or paper, not \"gromov\""), r.err());
    assertFalse(Files.exists(tmp.resolve("report.html")));
  }

  @Test
  void helpDocumentsTheOptionWithAnExample() {
    for (String command : new String[] {"report", "audit"}) {
      Run r = Run.of(command, "--help");
      assertEquals(0, r.code(), r.err());
      assertTrue(r.out().contains("--heatmap=ours|paper"), command + ": " + r.out());
      assertTrue(r.out().contains("--heatmap paper"), command + " example");
    }
  }
}
