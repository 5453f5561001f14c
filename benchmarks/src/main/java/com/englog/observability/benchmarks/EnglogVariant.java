package com.englog.observability.benchmarks;

import org.eclipse.jetty.ee10.servlet.ServletContextHandler;

/** The {@code englog} variant of {@link HelloJettyServer}. */
final class EnglogVariant {

  private EnglogVariant() {}

  static AutoCloseable install(ServletContextHandler context) {
    throw new UnsupportedOperationException("not yet");
  }
}
