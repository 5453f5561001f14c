/**
 * OpenTelemetry bootstrap for EngLog services and the {@code traceDbQuery} / {@code traceAiProcessing} helpers.
 */
package com.englog.observability.tracing;
