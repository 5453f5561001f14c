package com.englog.observability.servlet;

/**
 * Fixed {@code endpoint} label values for requests that matched no route template, so unmatched paths
 * never create new series.
 */
public final class RouteBuckets {

  public static final String NOT_FOUND = "NOT_FOUND";
  public static final String REDIRECTION = "REDIRECTION";
  public static final String UNKNOWN = "UNKNOWN";

  private RouteBuckets() {}
}
