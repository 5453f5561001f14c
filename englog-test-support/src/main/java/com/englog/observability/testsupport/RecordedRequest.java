package com.englog.observability.testsupport;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** One HTTP request as an {@link HttpRecorder} received it. */
public final class RecordedRequest {

  private final String method;
  private final String path;
  private final String query;
  private final Map<String, List<String>> headers;
  private final byte[] body;

  RecordedRequest(
      String method, String path, String query, Map<String, List<String>> headers, byte[] body) {
    this.method = method;
    this.path = path;
    this.query = query;
    Map<String, List<String>> lower = new TreeMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
    this.headers = Map.copyOf(lower);
    this.body = body.clone();
  }

  public String method() {
    return method;
  }

  /** The request path, without the query string. */
  public String path() {
    return path;
  }

  /** The raw query string, or null. */
  public String query() {
    return query;
  }

  /** Header names in lower case. */
  public Map<String, List<String>> headers() {
    return headers;
  }

  /** The first value of a header (any case), or null. */
  public String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  public byte[] body() {
    return body.clone();
  }

  public String bodyAsString() {
    return new String(body, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return method + " " + path + (query == null ? "" : "?" + query) + " (" + body.length + " bytes)";
  }
}
