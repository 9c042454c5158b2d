package dev.depthscope.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;

/** Another data order for {@code --seeds}: the same tokens, starting elsewhere and wrapping. */
class TokenStreamRotationTest {

  @Test
  void rotationStartsAtTheOffsetModuloTheLengthAndWraps() {
    TokenStream s = TokenStream.of(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, "ten");
    assertSame(s, s.rotated(0));
    assertSame(s, s.rotated(20));
    TokenStream r = s.rotated(-3); // 7 mod 10
    assertEquals(10, r.size());
    assertArrayEquals(new long[] {7, 8, 9, 0}, r.batch(0, 1, 3)[0]);
    assertArrayEquals(new long[] {0, 1, 2, 3}, s.batch(0, 1, 3)[0]);
    assertArrayEquals(new long[] {0, 1, 2, 3}, r.batch(1, 1, 3)[0]);
    assertEquals("ten (rotated by 7)", r.source());
  }
}
