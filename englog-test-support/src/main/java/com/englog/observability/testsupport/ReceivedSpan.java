package com.englog.observability.testsupport;

import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.InstrumentationScope;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One span as an {@link OtlpHttpReceiver} decoded it, with the resource and scope it came with. */
public final class ReceivedSpan {

  private final Resource resource;
  private final InstrumentationScope scope;
  private final Span span;

  ReceivedSpan(Resource resource, InstrumentationScope scope, Span span) {
    this.resource = resource;
    this.scope = scope;
    this.span = span;
  }

  /** The decoded protobuf message. */
  public Span proto() {
    return span;
  }

  public String name() {
    return span.getName();
  }

  /** 32 lower-case hex digits. */
  public String traceId() {
    return HexFormat.of().formatHex(span.getTraceId().toByteArray());
  }

  /** 16 lower-case hex digits. */
  public String spanId() {
    return HexFormat.of().formatHex(span.getSpanId().toByteArray());
  }

  /** 16 lower-case hex digits, or the empty string for a root span. */
  public String parentSpanId() {
    return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
  }

  public Span.SpanKind kind() {
    return span.getKind();
  }

  public Status.StatusCode statusCode() {
    return span.getStatus().getCode();
  }

  /** Span attributes as Java values (String, Long, Double, Boolean, or List of those). */
  public Map<String, Object> attributes() {
    return toMap(span.getAttributesList());
  }

  /** Resource attributes (service.name, …) as Java values. */
  public Map<String, Object> resourceAttributes() {
    return toMap(resource.getAttributesList());
  }

  /** The instrumentation scope name. */
  public String scopeName() {
    return scope.getName();
  }

  /** Names of the span's events, e.g. {@code exception}. */
  public List<String> eventNames() {
    List<String> names = new ArrayList<>();
    span.getEventsList().forEach(e -> names.add(e.getName()));
    return names;
  }

  /** Attributes of the first event called {@code name}, or an empty map. */
  public Map<String, Object> eventAttributes(String name) {
    for (Span.Event event : span.getEventsList()) {
      if (event.getName().equals(name)) {
        return toMap(event.getAttributesList());
      }
    }
    return Map.of();
  }

  private static Map<String, Object> toMap(List<KeyValue> keyValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (KeyValue kv : keyValues) {
      map.put(kv.getKey(), toJava(kv.getValue()));
    }
    return map;
  }

  private static Object toJava(AnyValue value) {
    switch (value.getValueCase()) {
      case STRING_VALUE:
        return value.getStringValue();
      case BOOL_VALUE:
        return value.getBoolValue();
      case INT_VALUE:
        return value.getIntValue();
      case DOUBLE_VALUE:
        return value.getDoubleValue();
      case ARRAY_VALUE:
        List<Object> list = new ArrayList<>();
        value.getArrayValue().getValuesList().forEach(v -> list.add(toJava(v)));
        return list;
      case BYTES_VALUE:
        return value.getBytesValue().toByteArray();
      default:
        return value.toString();
    }
  }

  @Override
  public String toString() {
    return "ReceivedSpan{" + name() + " trace=" + traceId() + " span=" + spanId() + " parent="
        + parentSpanId() + " service=" + resourceAttributes().get("service.name") + "}";
  }
}
