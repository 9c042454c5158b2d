package dev.depthscope.core.checkpoint;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;

/**
 * Frees direct and mapped buffers now rather than when the garbage collector gets to them. Weight
 * loading passes gigabytes through short-lived direct buffers; with a small Java heap the collector
 * rarely runs, so without this the freed-but-not-collected buffers pile up in resident memory. Uses
 * {@code sun.misc.Unsafe.invokeCleaner} (module jdk.unsupported); when it is unavailable, freeing
 * falls back to the collector.
 */
public final class DirectBuffers {
  private static final MethodHandle INVOKE_CLEANER = find();

  private DirectBuffers() {}

  private static MethodHandle find() {
    try {
      Class<?> unsafeClass = Class.forName("sun.misc.Unsafe");
      java.lang.reflect.Field f = unsafeClass.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return MethodHandles.lookup()
          .findVirtual(
              unsafeClass, "invokeCleaner", MethodType.methodType(void.class, ByteBuffer.class))
          .bindTo(f.get(null));
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /**
   * Releases {@code buffer}'s memory (a direct or mapped buffer that is not a slice). The caller
   * must not touch the buffer, or any view of it, afterwards.
   */
  public static void free(ByteBuffer buffer) {
    if (INVOKE_CLEANER == null || buffer == null || !buffer.isDirect()) {
      return;
    }
    try {
      INVOKE_CLEANER.invokeExact(buffer);
    } catch (Throwable e) {
      // A slice or duplicate cannot be cleaned; the collector frees it later.
    }
  }
}
