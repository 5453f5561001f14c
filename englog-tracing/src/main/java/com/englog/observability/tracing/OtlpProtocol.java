package com.englog.observability.tracing;

import com.englog.observability.tracing.internal.ConfigNames;

/** The OTLP transport, named as {@code OTEL_EXPORTER_OTLP_PROTOCOL} names it. */
public enum OtlpProtocol {
  /** Protobuf over HTTP/1.1 to {@code <endpoint>/v1/traces} (port 4318); sent by the JDK's HttpClient. */
  HTTP_PROTOBUF("http/protobuf", 4318),
  /**
   * gRPC (port 4317). Needs a gRPC sender on the class path, e.g.
   * {@code io.opentelemetry:opentelemetry-exporter-sender-okhttp}; englog-tracing does not bring one.
   */
  GRPC("grpc", 4317);

  private final String configName;
  private final int defaultPort;

  OtlpProtocol(String configName, int defaultPort) {
    this.configName = configName;
    this.defaultPort = defaultPort;
  }

  public String configName() {
    return configName;
  }

  /** The port OTLP receivers listen on for this protocol. */
  public int defaultPort() {
    return defaultPort;
  }

  /**
   * The protocol for a value of {@code OTEL_EXPORTER_OTLP_PROTOCOL}.
   *
   * @throws IllegalArgumentException for anything but {@code http/protobuf} or {@code grpc}
   */
  public static OtlpProtocol fromConfigName(String name) {
    OtlpProtocol p = ConfigNames.find(values(), OtlpProtocol::configName, name);
    if (p != null) {
      return p;
    }
    throw new IllegalArgumentException("unsupported OTLP protocol '" + name
        + "'; supported: http/protobuf, grpc (http/json is not supported)");
  }
}
