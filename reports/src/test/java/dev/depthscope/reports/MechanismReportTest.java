package dev.depthscope.reports;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.analysis.AuditJson;
import dev.depthscope.core.analysis.AuditResult;
import dev.depthscope.core.analysis.MechanismResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The mechanism measurements reach audit.json, layers.csv and the report's charts, and an audit
 * without them has none of their columns.
 */
class MechanismReportTest {
  private static final MechanismResult MECHANISM =
      new MechanismResult(
          2,
          7L,
          new double[] {0.9, 0.5, 0.3, 0.2},
          List.of(
              new double[] {0.8, 1.0},
              new double[] {0.4, 0.6},
              new double[] {0.25, 0.35},
              new double[] {0.15, 0.25}),
          new double[] {0.01, 0.02, 0.01, Double.NaN},
          false,
          new double[] {1.5, 0.4, 0.2, 0.1},
          List.of(
              new double[] {1.4, 1.6},
              new double[] {0.3, 0.5},
              new double[] {0.1, 0.3},
              new double[] {0.05, 0.15}),
          new double[] {8.4, 8.3, 8.2, 8.1, 8.0},
          new double[] {0.0, 0.1, 0.2, 0.5, 1.0});

  @Test
  void mechanismReachesJsonCsvAndCharts(@TempDir Path tmp) throws Exception {
    AuditResult a = Samples.withMechanism(Samples.audit(Samples.QWEN_MC), MECHANISM);
    AuditJson.write(a, tmp.resolve("audit.json"));
    MechanismResult back = AuditJson.read(tmp.resolve("audit.json")).mechanism();
    assertArrayEquals(MECHANISM.jacobianDeviation(), back.jacobianDeviation());
    assertArrayEquals(MECHANISM.logitLensNll(), back.logitLensNll());
    assertTrue(Double.isNaN(back.jacobianRelativeSe()[3]), "NaN is written as null");
    assertTrue(Files.readString(tmp.resolve("audit.json")).contains("\"jacobian_deviation\""));

    ReportWriter.single(a, tmp);
    List<String> lines = Files.readAllLines(tmp.resolve("layers.csv"));
    List<String> header = List.of(lines.get(0).split(","));
    for (int l = 0; l < 4; l++) {
      String[] cells = lines.get(l + 1).split(",", -1);
      assertEquals(
          MECHANISM.jacobianDeviation()[l],
          Double.parseDouble(cells[header.indexOf("jacobian_deviation")]));
      assertEquals(
          MECHANISM.jacobianDeviationInterval().get(l)[1],
          Double.parseDouble(cells[header.indexOf("jacobian_deviation_ci_high")]));
      assertEquals(
          MECHANISM.relativeUpdateNorm()[l],
          Double.parseDouble(cells[header.indexOf("relative_update_norm")]));
      // Row l holds the lens of block l's output h_{l+1}.
      assertEquals(
          MECHANISM.logitLensNll()[l + 1],
          Double.parseDouble(cells[header.indexOf("logit_lens_nll")]));
      assertEquals(
          MECHANISM.logitLensTop1Agreement()[l + 1],
          Double.parseDouble(cells[header.indexOf("logit_lens_top1_agreement")]));
    }
    assertTrue(Files.isRegularFile(tmp.resolve("mechanism.png")));
    assertTrue(Files.isRegularFile(tmp.resolve("logit-lens.png")));
    String page = Files.readString(tmp.resolve("report.html"));
    assertTrue(page.contains("Curse of Depth paper"), "the paper's prediction is on the page");
  }

  @Test
  void auditWithoutMechanismHasNoMechanismColumns(@TempDir Path tmp) throws Exception {
    AuditResult a = Samples.audit(Samples.QWEN_MC);
    assertNull(a.mechanism());
    ReportWriter.single(a, tmp);
    String header = Files.readAllLines(tmp.resolve("layers.csv")).get(0);
    assertTrue(!header.contains("jacobian") && !header.contains("logit_lens"), header);
    assertTrue(!Files.exists(tmp.resolve("mechanism.png")));
  }
}
