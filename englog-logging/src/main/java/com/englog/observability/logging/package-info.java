/**
 * Trace-correlated JSON logging for logback, structured log helpers and redaction.
 *
 * <ul>
 *   <li>{@link com.englog.observability.logging.JsonEncoder}: the logback encoder
 *       ({@code <encoder class="com.englog.observability.logging.JsonEncoder"/>}); one JSON object per
 *       line with the logging thread's trace ids, redacted.
 *   <li>{@link com.englog.observability.logging.StructuredLogger}: the EngLog service events over SLF4J
 *       with typed fields named as in {@link com.englog.observability.logging.LogFields}.
 *   <li>{@link com.englog.observability.logging.RedactionCounts},
 *       {@link com.englog.observability.logging.RedactionKind},
 *       {@link com.englog.observability.logging.RedactionListener}: what was redacted, for the security
 *       metric.
 *   <li>{@link com.englog.observability.logging.BoundedAsyncAppender},
 *       {@link com.englog.observability.logging.DroppedEventCounts}: asynchronous writing that holds no
 *       logging thread beyond a bound and counts every event it drops.
 *   <li>{@link com.englog.observability.logging.JulBridge}: {@code java.util.logging} records as log
 *       lines of the logback configuration (a context listener in the shipped includes).
 * </ul>
 *
 * <p>The jar also ships logback configurations under {@code englog/}: {@code logback-production.xml},
 * {@code logback-production-file.xml}, {@code logback-development.xml} and the includable
 * {@code logback-appenders.xml} and {@code logback-file-appender.xml}.
 *
 * <p>Parameters and return values are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package com.englog.observability.logging;

import org.jspecify.annotations.NullMarked;
