package com.englog.observability.tracing.internal;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.traces.ConfigurableSpanExporterProvider;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.ArrayList;
import java.util.List;

/**
 * The component loader autoconfigure looks its plug-ins up with: the class path's (with {@link
 * PreferJdkHttpSender}'s choice of HTTP sender), plus the exporter the application passed to {@code
 * spanExporter(…)} as one more named exporter, {@value #NAME}. The builder then only sets {@code
 * otel.traces.exporter=}{@value #NAME} among the code's values, so {@code OTEL_TRACES_EXPORTER} still
 * replaces it like any other setting.
 *
 * <p>Not public API.
 */
public final class CodeExporterLoader implements ComponentLoader {

  /** The exporter name that selects the application's own exporter. */
  public static final String NAME = "englog-span-exporter";

  private final ComponentLoader delegate;
  private final SpanExporter exporter;

  /** @param exporter the application's exporter, or null */
  public CodeExporterLoader(ComponentLoader delegate, SpanExporter exporter) {
    this.delegate = delegate;
    this.exporter = exporter;
  }

  @Override
  public <T> Iterable<T> load(Class<T> spiClass) {
    Iterable<T> all = delegate.load(spiClass);
    if (exporter == null || spiClass != ConfigurableSpanExporterProvider.class) {
      return all;
    }
    List<T> withCode = new ArrayList<>();
    all.forEach(withCode::add);
    withCode.add(spiClass.cast(new ConfigurableSpanExporterProvider() {
      @Override
      public SpanExporter createExporter(ConfigProperties config) {
        return exporter;
      }

      @Override
      public String getName() {
        return NAME;
      }
    }));
    return withCode;
  }
}
