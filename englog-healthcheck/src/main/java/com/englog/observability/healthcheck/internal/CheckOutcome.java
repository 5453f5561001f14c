package com.englog.observability.healthcheck.internal;

import java.util.LinkedHashMap;
import java.util.Map;

/** Not public API. The outcome of one probe, PromQL check or SLA line. */
public final class CheckOutcome {

  /** PASS, FAIL, or WARN (a non-critical check that failed). */
  public enum Result { PASS, WARN, FAIL }

  /** How a line that passes only because {@code onNoData: pass} allows missing data ends. */
  static final String ALLOWED_NO_DATA = "; allowed by onNoData: pass";

  public final String kind;
  public final String name;
  public final Result result;
  public final String message;
  public final Map<String, Object> data;

  public CheckOutcome(String kind, String name, Result result, String message, Map<String, Object> data) {
    this.kind = kind;
    this.name = name;
    this.result = result;
    this.message = message;
    this.data = new LinkedHashMap<>(data);
  }

  /**
   * The CLI's one rule for missing data, for PromQL checks and SLA lines alike: it fails unless the
   * configuration's {@code onNoData: pass} allows it, and the reason says which.
   *
   * @return {@code "no data: " + why}, plus {@link #ALLOWED_NO_DATA} when {@code allowed}
   */
  static String noDataReason(String why, boolean allowed) {
    return "no data: " + why + (allowed ? ALLOWED_NO_DATA : "");
  }

  Map<String, Object> toJson() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("kind", kind);
    m.put("name", name);
    m.put("result", result.name());
    m.put("message", message);
    m.putAll(data);
    return m;
  }
}
