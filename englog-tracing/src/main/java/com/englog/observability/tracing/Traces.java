package com.englog.observability.tracing;

import com.englog.observability.tracing.internal.AgentDetector;
import com.englog.observability.tracing.internal.ConfigLayers;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Static facade over one default {@link Tracing}, for application code that cannot be handed an
 * instance. Prefer passing the instance: two services in one JVM (a test) need two, and library code
 * never reads this facade.
 *
 * <p>It works with no setup: unless {@link #setDefault(Tracing)} was called first, the default is
 * the OpenTelemetry Java agent's SDK when the agent is attached, and otherwise a {@linkplain
 * Tracing#noop() no-op} that records nothing but passes W3C trace context through. The first use
 * ({@link #get()} or any helper) fixes the default; call {@code setDefault} once at startup, before
 * that:
 *
 * <pre>{@code
 * Tracing tracing = Tracing.builder().serviceName("englog-worker").build();
 * Traces.setDefault(tracing);
 * ...
 * Traces.traceDbQuery("update", "journals", () -> repo.markSummarized(id));
 * }</pre>
 *
 * <p>The instance and the facade cannot share the name {@code Tracing}: Java cannot give one type a
 * static and an instance method of the same signature.
 */
public final class Traces {

  private static final StackWalker WALKER = StackWalker.getInstance();

  private static volatile Tracing current;
  /** Where the default was fixed: the first use, or the {@code setDefault} call. */
  private static String fixedAt;
  private static boolean explicit;

  private Traces() {}

  /**
   * Makes {@code tracing} the default, once per JVM, before the facade is first used.
   *
   * @throws IllegalStateException if a default was already set, or the facade was already used
   *     (the message says where)
   */
  public static void setDefault(Tracing tracing) {
    Objects.requireNonNull(tracing, "tracing");
    synchronized (Traces.class) {
      if (current != null) {
        throw new IllegalStateException(explicit
            ? "Traces.setDefault was already called, at " + fixedAt + " (with " + current
                + "); set the default once at startup, or pass Tracing instances explicitly"
            : "Traces.setDefault was called after the facade was first used, at " + fixedAt + ", which fixed the"
                + " default to " + current + "; call setDefault at startup, before any Traces call");
      }
      fixedAt = caller();
      explicit = true;
      current = tracing;
    }
  }

  /** The default instance: the one set at startup, else the agent's or a no-op. */
  public static Tracing get() {
    Tracing t = current;
    return t != null ? t : firstUse();
  }

  private static synchronized Tracing firstUse() {
    if (current == null) {
      fixedAt = caller();
      current = AgentDetector.BOOTSTRAP.agentActive(ConfigLayers.system(Map.of())) ? Tracing.agent() : Tracing.noop();
    }
    return current;
  }

  /** The first frame outside this class: recorded once, when the default is fixed. */
  private static String caller() {
    Optional<StackWalker.StackFrame> frame = WALKER.walk(frames ->
        frames.filter(f -> !f.getClassName().equals(Traces.class.getName())).findFirst());
    return frame.map(Object::toString).orElse("an unknown caller");
  }

  /** For tests in this package: forget the default. */
  static synchronized void resetForTest() {
    current = null;
    fixedAt = null;
    explicit = false;
  }

  /** {@link Tracing#traceDbQuery(String, String, SpanWork)} on the default instance. */
  public static <T, E extends Throwable> T traceDbQuery(String operation, String table, SpanWork<T, E> work)
      throws E {
    return get().traceDbQuery(operation, table, work);
  }

  /** {@link Tracing#traceDbQuery(String, String, VoidSpanWork)} on the default instance. */
  public static <E extends Throwable> void traceDbQuery(String operation, String table, VoidSpanWork<E> work)
      throws E {
    get().traceDbQuery(operation, table, work);
  }

  /** {@link Tracing#traceAiProcessing(String, String, SpanWork)} on the default instance. */
  public static <T, E extends Throwable> T traceAiProcessing(String taskType, String provider,
      SpanWork<T, E> work) throws E {
    return get().traceAiProcessing(taskType, provider, work);
  }

  /** {@link Tracing#traceAiProcessing(String, String, VoidSpanWork)} on the default instance. */
  public static <E extends Throwable> void traceAiProcessing(String taskType, String provider,
      VoidSpanWork<E> work) throws E {
    get().traceAiProcessing(taskType, provider, work);
  }

  /** {@link Tracing#inSpan(String, SpanKind, Attributes, SpanWork)} on the default instance. */
  public static <T, E extends Throwable> T inSpan(String name, @Nullable SpanKind kind,
      @Nullable Attributes attributes, SpanWork<T, E> work) throws E {
    return get().inSpan(name, kind, attributes, work);
  }

  /** {@link Tracing#inSpan(String, SpanKind, Attributes, VoidSpanWork)} on the default instance. */
  public static <E extends Throwable> void inSpan(String name, @Nullable SpanKind kind,
      @Nullable Attributes attributes, VoidSpanWork<E> work) throws E {
    get().inSpan(name, kind, attributes, work);
  }

  /** {@link Tracing#traceEnqueue(String, Map, SpanWork)} on the default instance. */
  public static <T, E extends Throwable> T traceEnqueue(String jobType, Map<String, String> carrier,
      SpanWork<T, E> work) throws E {
    return get().traceEnqueue(jobType, carrier, work);
  }

  /** {@link Tracing#traceJob(String, Map, SpanWork)} on the default instance. */
  public static <T, E extends Throwable> T traceJob(String jobType, Map<String, String> carrier,
      SpanWork<T, E> work) throws E {
    return get().traceJob(jobType, carrier, work);
  }

  /** {@link Tracing#traceEnqueue(String, Map, VoidSpanWork)} on the default instance. */
  public static <E extends Throwable> void traceEnqueue(String jobType, Map<String, String> carrier,
      VoidSpanWork<E> work) throws E {
    get().traceEnqueue(jobType, carrier, work);
  }

  /** {@link Tracing#traceJob(String, Map, VoidSpanWork)} on the default instance. */
  public static <E extends Throwable> void traceJob(String jobType, Map<String, String> carrier,
      VoidSpanWork<E> work) throws E {
    get().traceJob(jobType, carrier, work);
  }

  /** {@link Tracing#inject(Map)} on the default instance. */
  public static void inject(Map<String, String> carrier) {
    get().inject(carrier);
  }

  /** {@link Tracing#extract(Map)} on the default instance. */
  public static Context extract(Map<String, String> carrier) {
    return get().extract(carrier);
  }
}
