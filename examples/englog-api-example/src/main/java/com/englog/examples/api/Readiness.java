package com.englog.examples.api;

/**
 * Whether the process itself takes traffic: true until shutdown starts. The {@code lifecycle} health
 * component (readiness group) reads it, so {@code /health/ready} answers 503 from the first moment of a
 * shutdown.
 */
final class Readiness {

  private volatile boolean accepting = true;

  boolean accepting() {
    return accepting;
  }

  void stopAccepting() {
    accepting = false;
  }
}
