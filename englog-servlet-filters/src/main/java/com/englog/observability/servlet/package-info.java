/**
 * jakarta.servlet integration: the observability filter and the metrics and health servlets.
 *
 * <p>Parameters and return values are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package com.englog.observability.servlet;

import org.jspecify.annotations.NullMarked;
