package com.englog.observability.health;

/**
 * The status of one health indicator or of a whole group.
 *
 * <p>Ordered from best to worst; a group's status is the worst of its members', except that a
 * non-critical member that is down only makes the group {@link #DEGRADED}.
 */
public enum Status {
  /** Working as expected. */
  UP,
  /** Serving, with a non-critical dependency down or a critical one slow. */
  DEGRADED,
  /** Not known yet (before the first check) or not determinable. */
  UNKNOWN,
  /** Not working. */
  DOWN
}
