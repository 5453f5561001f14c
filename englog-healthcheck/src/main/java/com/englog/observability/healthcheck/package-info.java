/**
 * The EngLog health-check command line tool: endpoint probes, PromQL checks, SLA report.
 *
 * <p>Parameters and return values are non-null unless marked {@link org.jspecify.annotations.Nullable}.
 */
@NullMarked
package com.englog.observability.healthcheck;

import org.jspecify.annotations.NullMarked;
