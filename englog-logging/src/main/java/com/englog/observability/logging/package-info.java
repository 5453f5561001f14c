/**
 * Trace-correlated JSON logging for logback, structured log helpers and redaction.
 */
package com.englog.observability.logging;
