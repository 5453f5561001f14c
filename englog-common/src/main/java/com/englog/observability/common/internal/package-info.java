/**
 * Not public API: infrastructure the EngLog modules share (configuration lookup, bearer token check,
 * the deadline-bounded JDK HTTP endpoint, the HikariCP probe).
 *
 * <p>This is the one {@code internal} package that other EngLog modules may import. Applications must
 * not: it changes without notice between releases.
 */
package com.englog.observability.common.internal;
