/**
 * Health indicators, their runtime (deadlines, caching, groups, criticality) and the health HTTP handler.
 *
 * <p>Parameters and return values are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package com.englog.observability.health;

import org.jspecify.annotations.NullMarked;
