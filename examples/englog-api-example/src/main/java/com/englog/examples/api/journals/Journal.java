package com.englog.examples.api.journals;

import java.time.Instant;

/** A journal entry of one user. */
public record Journal(String id, String userId, String title, String body, Instant createdAt) {

  /** Words in the body, for the business event's metadata. */
  public int words() {
    String trimmed = body.strip();
    return trimmed.isEmpty() ? 0 : trimmed.split("\\s+").length;
  }
}
