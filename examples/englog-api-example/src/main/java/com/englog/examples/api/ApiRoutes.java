package com.englog.examples.api;

import java.util.List;

/** The API's route templates: the {@code endpoint} label values of its HTTP metrics. */
public final class ApiRoutes {

  public static final String SESSIONS = "/api/sessions";
  public static final String JOURNALS = "/api/journals";
  public static final String JOURNAL = "/api/journals/{id}";
  public static final String SUMMARY = "/api/journals/{id}/summary";
  public static final String FAULTS = "/api/admin/faults";

  /** All of them, declared on the metrics so their series exist from the first scrape. */
  public static final List<String> ALL = List.of(SESSIONS, JOURNALS, JOURNAL, SUMMARY, FAULTS);

  private ApiRoutes() {}
}
