/**
 * The EngLog health-check command line tool: endpoint probes, PromQL checks, SLA report.
 */
package com.englog.observability.healthcheck;
