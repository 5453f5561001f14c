package com.englog.observability.tracing.internal;

import com.englog.observability.tracing.OtlpProtocol;
import com.englog.observability.tracing.Propagation;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the application's code set on the builder (null: not set). System properties and the
 * environment override these; {@link SdkSettings} resolves the result.
 *
 * <p>Not public API.
 */
public final class CodeConfig {
  public String serviceName;
  public String serviceVersion;
  public String deploymentEnvironment;
  public final Map<String, String> resourceAttributes = new LinkedHashMap<>();
  public SpanExporter spanExporter;
  public String otlpEndpoint;
  public OtlpProtocol otlpProtocol;
  public final Map<String, String> otlpHeaders = new LinkedHashMap<>();
  public Duration otlpTimeout;
  public String otlpCompression;
  public Path otlpTrustedCertificates;
  public Path otlpClientKey;
  public Path otlpClientCertificate;
  public Sampler sampler;
  public Double sampleRatio;
  public Set<Propagation> propagations;
  public Integer maxQueueSize;
  public Integer maxExportBatchSize;
  public Duration scheduleDelay;
  public Duration exportTimeout;

  public CodeConfig copy() {
    CodeConfig c = new CodeConfig();
    c.serviceName = serviceName;
    c.serviceVersion = serviceVersion;
    c.deploymentEnvironment = deploymentEnvironment;
    c.resourceAttributes.putAll(resourceAttributes);
    c.spanExporter = spanExporter;
    c.otlpEndpoint = otlpEndpoint;
    c.otlpProtocol = otlpProtocol;
    c.otlpHeaders.putAll(otlpHeaders);
    c.otlpTimeout = otlpTimeout;
    c.otlpCompression = otlpCompression;
    c.otlpTrustedCertificates = otlpTrustedCertificates;
    c.otlpClientKey = otlpClientKey;
    c.otlpClientCertificate = otlpClientCertificate;
    c.sampler = sampler;
    c.sampleRatio = sampleRatio;
    c.propagations = propagations == null ? null : new LinkedHashSet<>(propagations);
    c.maxQueueSize = maxQueueSize;
    c.maxExportBatchSize = maxExportBatchSize;
    c.scheduleDelay = scheduleDelay;
    c.exportTimeout = exportTimeout;
    return c;
  }
}
