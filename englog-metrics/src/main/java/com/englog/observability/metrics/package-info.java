/**
 * Typed recorders for every EngLog metric, the {@code Metrics} facade, Prometheus/OpenMetrics exposition,
 * the cardinality guard and the metric catalog.
 */
package com.englog.observability.metrics;
