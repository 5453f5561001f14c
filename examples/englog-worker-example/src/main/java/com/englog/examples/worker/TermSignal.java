package com.englog.examples.worker;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;

/**
 * Runs the graceful shutdown when SIGTERM (or Ctrl-C's SIGINT) arrives, <em>before</em> the JVM starts
 * its shutdown hooks.
 *
 * <p>Why not a shutdown hook: the JVM runs all hooks at once, and englog-tracing registers one that
 * flushes and closes the OpenTelemetry SDK. Next to a hook of ours that drains jobs, it would close the
 * SDK while jobs are still running, and their spans would be dropped. Handling the signal lets the
 * drain finish and {@code Tracing.close()} flush, then exit with status 0 (a JVM ended by SIGTERM
 * reports 143).
 *
 * <p>The JDK's signal API is {@code sun.misc.Signal} (module {@code jdk.unsupported}, present in every
 * OpenJDK build); it is reached by reflection because javac warns about it unconditionally, and the
 * build treats warnings as errors.
 */
final class TermSignal {

  private TermSignal() {}

  /**
   * Calls {@code action} on a new thread for each SIGTERM and SIGINT.
   *
   * @return false when this JVM has no signal API; then only a shutdown hook can react
   */
  static boolean onTerminate(Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object handler = Proxy.newProxyInstance(handlerType.getClassLoader(), new Class<?>[] {handlerType},
          (proxy, method, args) -> {
            switch (method.getName()) {
              case "handle":
                action.run();
                return null;
              case "hashCode":
                return System.identityHashCode(proxy);
              case "equals":
                return proxy == args[0];
              default:
                return "TermSignal handler";
            }
          });
      Method handle = signal.getMethod("handle", signal, handlerType);
      for (String name : List.of("TERM", "INT")) {
        handle.invoke(null, signal.getConstructor(String.class).newInstance(name), handler);
      }
      return true;
    } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
      return false;
    }
  }
}
