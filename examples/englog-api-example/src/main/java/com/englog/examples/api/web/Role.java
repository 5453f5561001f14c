package com.englog.examples.api.web;

import java.util.Locale;

/** What a user may do. */
public enum Role {
  /** Reads own journals. */
  READER,
  /** Reads and writes own journals. */
  WRITER,
  /** Everything, including the admin endpoints. */
  ADMIN;

  /** {@code reader}, {@code writer} or {@code admin}, as the tokens file spells it. */
  public static Role parse(String name) {
    return valueOf(name.strip().toUpperCase(Locale.ROOT));
  }

  /** Whether this role includes everything {@code required} may do. */
  public boolean includes(Role required) {
    return compareTo(required) >= 0;
  }
}
