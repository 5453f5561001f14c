package com.englog.observability.tracing;

import com.englog.observability.tracing.internal.AgentDetector;
import com.englog.observability.tracing.internal.ConfigSource;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * Static facade over one default {@link Tracing}, for application code that cannot be handed an
 * instance. Prefer passing the instance: two services in one JVM (a test) need two, and library code
 * never reads this facade.
 *
 * <p>It works with no setup: until {@link #setDefault(Tracing)} is called, it uses the OpenTelemetry
 * Java agent's SDK when the agent is attached, and otherwise a {@linkplain Tracing#noop() no-op}
 * that records nothing but passes W3C trace context through. Call {@code setDefault} once at
 * startup:
 *
 * <pre>{@code
 * Tracing tracing = Tracing.builder().serviceName("englog-worker").build();
 * Traces.setDefault(tracing);
 * ...
 * Traces.traceDbQuery("update", "journals", () -> repo.markSummarized(id));
 * }</pre>
 *
 * <p>(DESIGN.md names both the instance and the facade "Tracing"; Java cannot give one type a static
 * and an instance method of the same signature, hence {@code Tracing} and {@code Traces}.)
 */
public final class Traces {

  private static final AtomicReference<Tracing> explicit = new AtomicReference<>();
  private static volatile Tracing fallback;

  private Traces() {}

  /**
   * Makes {@code tracing} the default, once per JVM.
   *
   * @throws IllegalStateException if a default was already set
   */
  public static void setDefault(Tracing tracing) {
    Objects.requireNonNull(tracing, "tracing");
    if (!explicit.compareAndSet(null, tracing)) {
      throw new IllegalStateException("Traces.setDefault was already called (with " + explicit.get()
          + "); set the default once at startup, or pass Tracing instances explicitly");
    }
  }

  /** The default instance: the one set at startup, else the agent's or a no-op. */
  public static Tracing get() {
    Tracing t = explicit.get();
    return t != null ? t : fallback();
  }

  private static Tracing fallback() {
    Tracing f = fallback;
    if (f == null) {
      synchronized (Traces.class) {
        f = fallback;
        if (f == null) {
          ConfigSource system = new ConfigSource(System::getProperty, System::getenv);
          f = AgentDetector.BOOTSTRAP.agentActive(system) ? Tracing.agent() : Tracing.noop();
          fallback = f;
        }
      }
    }
    return f;
  }

  /** For tests in this package: forget the default. */
  static void resetForTest() {
    explicit.set(null);
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
