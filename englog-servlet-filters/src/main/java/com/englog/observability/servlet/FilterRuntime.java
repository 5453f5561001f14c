package com.englog.observability.servlet;

import com.englog.observability.metrics.EnglogMetrics;
import java.util.Collections;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;

/** What a started {@link ObservabilityFilter} works with: its settings with every collaborator resolved. */
final class FilterRuntime {

  /** Name (without {@code _total}) of the counter of replaced correlation ids. */
  static final String CORRELATION_IDS_REPLACED = "englog_http_correlation_ids_replaced";
  static final String CORRELATION_IDS_REPLACED_HELP =
      "Incoming correlation ids (X-Request-ID) missing or invalid and replaced by a generated one.";

  /** One counter per metrics instance, however many filters record into it. */
  private static final Map<EnglogMetrics, LongAdder> REPLACED =
      Collections.synchronizedMap(new WeakHashMap<>());

  final EnglogMetrics metrics;
  final ServerSpans spans;
  final boolean ownSpans;
  final Routes routes;
  final RequestDetails details;
  final @Nullable AccessLog accessLog;
  final PathPatterns excluded;
  final PathPatterns latencyExcluded;
  final ClientAddresses clients;
  final String correlationHeader;
  final boolean countBytes;
  final boolean rawUserId;
  final LongAdder correlationIdsReplaced;

  FilterRuntime(EnglogMetrics metrics, ServerSpans spans, Routes routes, RequestDetails details,
      @Nullable AccessLog accessLog, PathPatterns excluded, PathPatterns latencyExcluded,
      ClientAddresses clients, String correlationHeader, boolean countBytes, boolean rawUserId) {
    this.metrics = metrics;
    this.spans = spans;
    this.ownSpans = !spans.agent();
    this.routes = routes;
    this.details = details;
    this.accessLog = accessLog;
    this.excluded = excluded;
    this.latencyExcluded = latencyExcluded;
    this.clients = clients;
    this.correlationHeader = correlationHeader;
    this.countBytes = countBytes;
    this.rawUserId = rawUserId;
    this.correlationIdsReplaced = replacedCounter(metrics);
  }

  private static LongAdder replacedCounter(EnglogMetrics metrics) {
    synchronized (REPLACED) {
      LongAdder adder = REPLACED.get(metrics);
      if (adder == null) {
        adder = new LongAdder();
        try {
          metrics.counter(CORRELATION_IDS_REPLACED).help(CORRELATION_IDS_REPLACED_HELP)
              .registerFunction(adder::sum);
        } catch (IllegalArgumentException taken) {
          // the service registered a metric of that name itself: count without exposing
        }
        REPLACED.put(metrics, adder);
      }
      return adder;
    }
  }
}
