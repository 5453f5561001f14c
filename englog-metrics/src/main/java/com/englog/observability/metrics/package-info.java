/**
 * Typed recorders for every EngLog metric, the {@code Metrics} facade, Prometheus/OpenMetrics exposition,
 * the cardinality guard and the metric catalog.
 *
 * <p>Parameters and return values are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package com.englog.observability.metrics;

import org.jspecify.annotations.NullMarked;
