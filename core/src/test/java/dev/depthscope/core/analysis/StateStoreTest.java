package dev.depthscope.core.analysis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spilled states live in an unlinked file: nothing to leave behind even after a kill -9. */
class StateStoreTest {
  @Test
  void spillFileIsNotVisibleWhileStatesAreSpilled(@TempDir Path tmp) {
    float[] values = {1f, -2.5f, 3f, 4f, 5f, 6f};
    try (NDManager m = NDManager.newBaseManager();
        StateStore store = new StateStore(m, 0, tmp)) {
      StateStore.Slot a = store.newSlot();
      StateStore.Slot b = store.newSlot();
      a.store(m.create(values, new ai.djl.ndarray.types.Shape(2, 3)));
      b.store(m.create(values, new ai.djl.ndarray.types.Shape(2, 3)).neg());
      assertTrue(store.spilledBytes() > 0, "the states went to the spill file");
      assertEquals(0, tmp.toFile().list().length, "no spill file in the spill folder");
      NDArray back = a.load(m);
      assertArrayEquals(values, back.toFloatArray());
      assertEquals(-values[1], b.load(m).toFloatArray()[1]);
    }
  }
}
