package com.englog.observability.metrics.internal;

import io.micrometer.core.instrument.Counter;
import java.util.List;

/**
 * Not public API.
 *
 * <p>One (method, endpoint) series of {@code englog_http_request_duration_seconds} plus, per status
 * code slot, the matching series of {@code englog_http_requests_total}. A request then costs two map
 * lookups and an array read instead of five lookups. Slots are filled racily: a {@link Counter}'s
 * fields are final, so any thread that sees the reference sees a usable counter; a thread that sees
 * null simply resolves the counter through the family again. Only exact (not folded) counters are
 * stored, so folded recordings keep being counted as overflow.
 */
public final class HttpSeries {

  private final String method;
  private final String endpoint;
  private final HistogramCell duration;
  private final Counter[] requests = new Counter[StatusCodes.SLOTS];

  public HttpSeries(String method, String endpoint, HistogramCell duration) {
    this.method = method;
    this.endpoint = endpoint;
    this.duration = duration;
  }

  public HistogramCell duration() {
    return duration;
  }

  /** The request counter for {@code status}, resolving and caching it through {@code family}. */
  public Counter requests(int status, SeriesFamily<Counter> family) {
    int slot = StatusCodes.slot(status);
    Counter c = requests[slot];
    if (c != null) {
      return c;
    }
    String code = StatusCodes.label(slot);
    c = family.get(method, endpoint, code);
    if (c != null && family.find(List.of(method, endpoint, code)) == c) {
      requests[slot] = c;
    }
    return c;
  }
}
