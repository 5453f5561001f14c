/**
 * OpenTelemetry bootstrap for EngLog services and the {@code traceDbQuery} / {@code traceAiProcessing} helpers.
 *
 * <p>Parameters and return values are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package com.englog.observability.tracing;

import org.jspecify.annotations.NullMarked;
