package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A journal key names its joint pass so that a worker-side journal can run the pass itself. */
class JointPassesTest {
  @Test
  void keysParseBackToTheirPass() {
    List<List<Integer>> sets = List.of(List.of(0, 3), List.of(11), List.of(2, 5, 7));
    for (AuditPlan.Kind kind : AuditPlan.Kind.values()) {
      JointPasses.Request r = JointPasses.parse(JointPasses.key(kind, sets));
      assertEquals(kind, r.kind());
      assertEquals(sets, r.sets());
    }
  }

  @Test
  void otherTextIsNotAKey() {
    for (String bad : List.of("nll", "nll [[1, x]]", "cut [[1]]", "mc [[1], [2]")) {
      assertThrows(IllegalArgumentException.class, () -> JointPasses.parse(bad), bad);
    }
  }
}
