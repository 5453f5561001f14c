package com.englog.observability.tracing.internal;

import java.util.Locale;
import java.util.function.Predicate;

/**
 * Tells whether the OpenTelemetry Java agent runs in this JVM. The agent moves its bootstrap classes
 * into the bootstrap class loader before the application starts, so {@link #AGENT_MARKER_CLASS}
 * resolving there (and only there: an application jar cannot fake it) means the agent is attached.
 * {@code -Dotel.javaagent.enabled=false} (or {@code OTEL_JAVAAGENT_ENABLED=false}) attaches the jar
 * but leaves it inactive; then the agent installs no SDK and we must.
 *
 * <p>Not public API.
 */
public final class AgentDetector {

  /** Loaded into the bootstrap class loader by the agent's premain. */
  public static final String AGENT_MARKER_CLASS = "io.opentelemetry.javaagent.bootstrap.AgentInitializer";

  /** The default detector: looks the marker up in the bootstrap class loader. */
  public static final AgentDetector BOOTSTRAP = new AgentDetector(AgentDetector::inBootstrapLoader);

  private final Predicate<String> classPresent;

  /** @param classPresent whether a class of that name is loadable where the agent puts it */
  public AgentDetector(Predicate<String> classPresent) {
    this.classPresent = classPresent;
  }

  /** True when the agent is attached and enabled according to {@code config}. */
  public boolean agentActive(ConfigLayers config) {
    if (!classPresent.test(AGENT_MARKER_CLASS)) {
      return false;
    }
    String enabled = config.get("otel.javaagent.enabled");
    return enabled == null || !enabled.trim().toLowerCase(Locale.ROOT).equals("false");
  }

  private static boolean inBootstrapLoader(String className) {
    try {
      Class.forName(className, false, null);
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }
}
