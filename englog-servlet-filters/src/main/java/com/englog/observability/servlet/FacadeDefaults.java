package com.englog.observability.servlet;

import com.englog.observability.metrics.EnglogMetrics;
import com.englog.observability.metrics.Metrics;
import com.englog.observability.tracing.Traces;
import com.englog.observability.tracing.Tracing;

/**
 * The one place library code reads the application's facades: a filter or servlet the container
 * created with its no-arg constructor, finding no collaborator in the {@link ContextAttributes}, uses
 * the instances the application set as defaults ({@code Metrics.setDefault}, {@code Traces.setDefault}).
 * An architecture rule keeps every other class away from {@code Metrics} and {@code Traces}.
 */
final class FacadeDefaults {

  private FacadeDefaults() {}

  static EnglogMetrics metrics() {
    return Metrics.get();
  }

  static Tracing tracing() {
    return Traces.get();
  }
}
