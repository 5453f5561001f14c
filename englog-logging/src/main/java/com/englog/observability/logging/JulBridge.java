package com.englog.observability.logging;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Sends {@code java.util.logging} records (the OpenTelemetry SDK's, the JDK's, and {@code System.Logger}
 * messages where no SLF4J logger finder is visible) to SLF4J, so that they are encoded like every other
 * line instead of printed as plain text on standard error. A logback context listener, shipped in
 * {@code englog/logback-appenders.xml} and {@code englog/logback-file-appender.xml}; in a configuration
 * of your own, add the one line
 *
 * <pre>{@code
 * <contextListener class="com.englog.observability.logging.JulBridge"/>
 * }</pre>
 *
 * When its logback context starts it removes the handlers of the JUL root logger (the console handler
 * printing to standard error) and installs SLF4J's {@code SLF4JBridgeHandler}; it is logback's
 * {@link LevelChangePropagator} too, so JUL loggers take the levels of their logback namesakes and a
 * disabled JUL call costs no more than a disabled SLF4J one. When the last context that installed it
 * is reset or stopped (a web application undeployed), the bridge is removed and the former root
 * handlers come back; a reconfiguration that includes it again installs it again.
 * Installed by logback's configuration, never by a static initialiser.
 */
public final class JulBridge extends LevelChangePropagator {

  /** Contexts that installed the bridge; guarded by the class. */
  private static final Set<LoggerContext> CONTEXTS = Collections.newSetFromMap(new WeakHashMap<>());
  private static List<Handler> removedHandlers = List.of();

  @Override
  public void start() {
    super.start();
    if (getContext() instanceof LoggerContext) {
      install((LoggerContext) getContext());
    }
  }

  /** The configuration is being replaced (or the context stops): a new one installs its own bridge. */
  @Override
  public void onReset(LoggerContext context) {
    super.onReset(context);
    uninstall(context);
  }

  @Override
  public void onStop(LoggerContext context) {
    super.onStop(context);
    uninstall(context);
  }

  /** True while some logback context has the bridge installed. */
  public static synchronized boolean isInstalled() {
    return !CONTEXTS.isEmpty() && SLF4JBridgeHandler.isInstalled();
  }

  private static synchronized void install(LoggerContext context) {
    if (CONTEXTS.isEmpty() || !SLF4JBridgeHandler.isInstalled()) {
      java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
      List<Handler> removed = new ArrayList<>();
      for (Handler h : root.getHandlers()) {
        if (!(h instanceof SLF4JBridgeHandler)) {
          root.removeHandler(h);
          removed.add(h);
        }
      }
      if (!removed.isEmpty()) {
        removedHandlers = List.copyOf(removed);
      }
      if (!SLF4JBridgeHandler.isInstalled()) {
        SLF4JBridgeHandler.install();
      }
    }
    CONTEXTS.add(context);
  }

  private static synchronized void uninstall(LoggerContext context) {
    if (!CONTEXTS.remove(context) || !CONTEXTS.isEmpty()) {
      return;
    }
    SLF4JBridgeHandler.uninstall();
    java.util.logging.Logger root = LogManager.getLogManager().getLogger("");
    for (Handler h : removedHandlers) {
      root.addHandler(h);
    }
    removedHandlers = List.of();
  }
}
