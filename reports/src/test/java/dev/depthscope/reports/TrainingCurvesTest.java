package dev.depthscope.reports;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.depthscope.core.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both curves.json shapes: the trainer's (one run) and the PyTorch reference's (runs by key). */
class TrainingCurvesTest {
  @Test
  void trainerFileIsOneRunNamedByItsNormScheme() throws Exception {
    List<TrainingCurves> runs = TrainingCurves.read(Samples.path(Samples.TRAINER_CURVES));
    assertEquals(1, runs.size());
    TrainingCurves r = runs.get(0);
    assertEquals("lns", r.name());
    assertEquals(3, r.losses().size());
    assertEquals(8.3, r.losses().get(0)[1]);
    assertEquals(2, r.evals().size());
    assertEquals(7.2, r.finalEvalLoss());
  }

  @Test
  void withoutANormHyperparameterTheRunIsNamedByItsFolder(@TempDir Path tmp) throws Exception {
    Path file = Files.createDirectories(tmp.resolve("pre-run")).resolve("curves.json");
    Files.writeString(file, "{\"losses\": [[0, 5.0, 1.0, 0.1]], \"evals\": [[0, 5.5]]}");
    TrainingCurves r = TrainingCurves.read(file).get(0);
    assertEquals("pre-run", r.name());
    assertEquals(5.5, r.finalEvalLoss(), "the last eval when final_eval_loss is absent");
  }

  @Test
  void referenceFileHoldsOneRunPerScheme() throws Exception {
    Path file = TestData.fixture("trained/llama-24L-brown-curves.json");
    List<TrainingCurves> runs = TrainingCurves.read(file);
    assertEquals(List.of("pre", "lns"), runs.stream().map(TrainingCurves::name).toList());
    assertEquals(5.501509249210358, runs.get(0).finalEvalLoss(), 1e-12);
    assertEquals(6, runs.get(1).evals().size());
    assertTrue(runs.get(1).losses().size() > 50);
  }

  @Test
  void malformedFilesAreRejectedWithTheFileName(@TempDir Path tmp) throws Exception {
    Path empty = Files.writeString(tmp.resolve("a.json"), "{\"hyperparameters\": {}}");
    var e = assertThrows(IllegalArgumentException.class, () -> TrainingCurves.read(empty));
    assertTrue(e.getMessage().contains("a.json"), e.getMessage());
    Path bad = Files.writeString(tmp.resolve("b.json"), "{\"losses\": [[0]]}");
    assertThrows(IllegalArgumentException.class, () -> TrainingCurves.read(bad));
    Path notJson = Files.writeString(tmp.resolve("c.json"), "{");
    assertThrows(IllegalArgumentException.class, () -> TrainingCurves.read(notJson));
  }
}
