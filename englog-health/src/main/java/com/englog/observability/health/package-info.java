/**
 * Health indicators, their runtime (deadlines, caching, groups, criticality) and the health HTTP handler.
 */
package com.englog.observability.health;
