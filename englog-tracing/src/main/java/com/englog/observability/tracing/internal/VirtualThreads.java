package com.englog.observability.tracing.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Java 21's virtual threads, reached without compiling against Java 21 (the library targets 17).
 *
 * <p>Not public API.
 */
public final class VirtualThreads {

  private static final MethodHandle NEW_PER_TASK_EXECUTOR;
  private static final MethodHandle START_VIRTUAL_THREAD;

  static {
    MethodHandles.Lookup lookup = MethodHandles.publicLookup();
    MethodHandle executor = null;
    MethodHandle start = null;
    try {
      executor = lookup.findStatic(Executors.class, "newVirtualThreadPerTaskExecutor",
          MethodType.methodType(ExecutorService.class));
      start = lookup.findStatic(Thread.class, "startVirtualThread",
          MethodType.methodType(Thread.class, Runnable.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      executor = null;
      start = null;
    }
    NEW_PER_TASK_EXECUTOR = executor;
    START_VIRTUAL_THREAD = start;
  }

  private VirtualThreads() {}

  public static boolean available() {
    return NEW_PER_TASK_EXECUTOR != null;
  }

  public static ExecutorService newVirtualThreadPerTaskExecutor() {
    requireAvailable();
    try {
      return (ExecutorService) NEW_PER_TASK_EXECUTOR.invokeExact();
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  public static Thread startVirtualThread(Runnable task) {
    requireAvailable();
    try {
      return (Thread) START_VIRTUAL_THREAD.invokeExact(task);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private static void requireAvailable() {
    if (!available()) {
      throw new UnsupportedOperationException("virtual threads need Java 21 or newer; this JVM is "
          + System.getProperty("java.version") + " (use TracingExecutors.wrap(ExecutorService) on a platform-thread pool)");
    }
  }
}
