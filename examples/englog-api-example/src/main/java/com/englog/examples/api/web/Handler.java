package com.englog.examples.api.web;

/** The code behind one route. */
@FunctionalInterface
public interface Handler {

  /** Answers {@code call}; throw {@link ApiException} for a 4xx/5xx answer with a message. */
  void handle(ApiCall call) throws Exception;
}
