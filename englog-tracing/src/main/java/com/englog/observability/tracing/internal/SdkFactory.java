package com.englog.observability.tracing.internal;

import com.englog.observability.tracing.OtlpProtocol;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.common.InternalTelemetryVersion;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * Builds the SDK from resolved settings: resource, sampler, span limits, the SDK's batch processor
 * with a bounded queue (its drops counted through {@link ProcessorTelemetry}) in front of a counting
 * OTLP exporter, and the propagators behind {@link SafePropagator}.
 *
 * <p>Not public API.
 */
public final class SdkFactory {

  private static final System.Logger LOG = System.getLogger(SdkFactory.class.getName());

  private SdkFactory() {}

  public static Pipeline create(SdkSettings settings) {
    ExportStats stats = new ExportStats();
    SafePropagator propagator = new SafePropagator(PropagatorFactory.create(settings.propagations()));
    SdkTracerProviderBuilder tracerProvider = SdkTracerProvider.builder()
        .setResource(settings.resource())
        .setSampler(settings.sampler())
        .setSpanLimits(settings.spanLimits());
    if (settings.exporterKind() != SdkSettings.ExporterKind.NONE) {
      SpanExporter exporter = settings.exporterKind() == SdkSettings.ExporterKind.CUSTOM
          ? settings.customExporter : otlpExporter(settings);
      stats.queueCapacity(settings.maxQueueSize());
      ProcessorTelemetry telemetry = new ProcessorTelemetry(stats);
      tracerProvider.addSpanProcessor(BatchSpanProcessor.builder(new CountingSpanExporter(exporter, stats, telemetry))
          .setMaxQueueSize(settings.maxQueueSize())
          .setMaxExportBatchSize(settings.maxExportBatchSize())
          .setScheduleDelay(settings.scheduleDelay())
          .setExporterTimeout(settings.exportTimeout())
          .setMeterProvider(telemetry)
          .setInternalTelemetryVersion(InternalTelemetryVersion.LATEST)
          .build());
    } else {
      // The SDK turns a provider without processors into a no-op: no trace ids for the logs, nothing
      // to propagate. "none" means "do not export", so keep spans alive and drop them at the end.
      tracerProvider.addSpanProcessor(new SpanProcessor() {
        @Override
        public void onStart(Context parentContext, ReadWriteSpan span) {}

        @Override
        public boolean isStartRequired() {
          return false;
        }

        @Override
        public void onEnd(ReadableSpan span) {}

        @Override
        public boolean isEndRequired() {
          return false;
        }

        @Override
        public String toString() {
          return "NotExporting";
        }
      });
    }
    OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
        .setTracerProvider(tracerProvider.build())
        .setPropagators(ContextPropagators.create(propagator))
        .build();
    return new Pipeline(sdk, sdk, propagator, stats, settings.describe());
  }

  static SpanExporter otlpExporter(SdkSettings settings) {
    if (settings.protocol() == OtlpProtocol.GRPC) {
      try {
        OtlpGrpcSpanExporterBuilder grpc = OtlpGrpcSpanExporter.builder()
            .setEndpoint(settings.endpoint())
            .setTimeout(settings.timeout())
            .setCompression(settings.compression())
            .setMeterProvider(MeterProvider::noop);
        settings.headers().forEach(grpc::addHeader);
        tls(settings, grpc::setTrustedCertificates, grpc::setClientTls);
        return grpc.build();
      } catch (IllegalStateException e) {
        throw new IllegalStateException("OTLP protocol grpc needs a gRPC sender on the class path: add "
            + "io.opentelemetry:opentelemetry-exporter-sender-okhttp (or -sender-grpc-managed-channel "
            + "with a grpc transport); englog-tracing ships only the JDK HTTP sender for http/protobuf", e);
      }
    }
    OtlpHttpSpanExporterBuilder http = OtlpHttpSpanExporter.builder()
        .setEndpoint(settings.endpoint())
        .setTimeout(settings.timeout())
        .setCompression(settings.compression())
        .setMeterProvider(MeterProvider::noop)
        .setComponentLoader(new PreferJdkHttpSender(
            ComponentLoader.forClassLoader(SdkFactory.class.getClassLoader())));
    settings.headers().forEach(http::addHeader);
    tls(settings, http::setTrustedCertificates, http::setClientTls);
    return http.build();
  }

  /**
   * Hands the PEM files to the exporter builder, whose own parse errors ("Are they valid X.509 in PEM
   * format?") name neither the setting nor the file: rethrown with both.
   */
  private static void tls(SdkSettings settings, Consumer<byte[]> trust, BiConsumer<byte[], byte[]> client) {
    SdkSettings.PemFile ca = settings.trustedCertificates();
    SdkSettings.PemFile key = settings.clientKey();
    SdkSettings.PemFile certificate = settings.clientCertificate();
    if ((ca != null || key != null) && !settings.endpoint().regionMatches(true, 0, "https:", 0, 6)) {
      LOG.log(System.Logger.Level.WARNING, "EngLog tracing: OTLP TLS files are configured but the endpoint "
          + SdkSettings.redacted(settings.endpoint()) + " is not https://, so they are not used and spans"
          + " travel in clear text; set OTEL_EXPORTER_OTLP_ENDPOINT to an https:// URL");
    }
    if (ca != null) {
      try {
        trust.accept(ca.pem());
      } catch (IllegalStateException | IllegalArgumentException e) {
        throw new IllegalArgumentException(ca.source() + " is not a usable PEM file of X.509 CA certificates", e);
      }
    }
    if (key != null) {
      try {
        client.accept(key.pem(), certificate.pem());
      } catch (IllegalStateException | IllegalArgumentException e) {
        throw new IllegalArgumentException(key.source() + " and " + certificate.source()
            + " are not a usable client key and certificate: the key must be an unencrypted PKCS#8 PEM"
            + " (-----BEGIN PRIVATE KEY-----, RSA or EC) matching the certificate", e);
      }
    }
  }
}
