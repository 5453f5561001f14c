package com.englog.observability.metrics.internal;

import com.englog.observability.metrics.LabelValues;
import java.util.List;

/**
 * Not public API.
 *
 * <p>{@code status_code} label values for every HTTP status from 100 to 599, made once, so recording a
 * request never formats an int; anything outside that range is {@value #OTHER}.
 */
public final class StatusCodes {

  public static final String OTHER = LabelValues.OTHER;
  /** Slots: one per status 100..599, then one for {@link #OTHER}. */
  public static final int SLOTS = 501;

  private static final String[] VALUES = new String[SLOTS];

  static {
    for (int i = 0; i < SLOTS - 1; i++) {
      VALUES[i] = Integer.toString(100 + i);
    }
    VALUES[SLOTS - 1] = OTHER;
  }

  private static final List<String> ALL = List.of(VALUES);

  private StatusCodes() {}

  /** Every label value, 100 to 599 then {@link #OTHER}: the very instances {@link #label} returns. */
  public static List<String> values() {
    return ALL;
  }

  /** The slot of {@code status} in {@link #label(int)}'s table. */
  public static int slot(int status) {
    return status >= 100 && status <= 599 ? status - 100 : SLOTS - 1;
  }

  /** The label value of a slot. */
  public static String label(int slot) {
    return VALUES[slot];
  }
}
