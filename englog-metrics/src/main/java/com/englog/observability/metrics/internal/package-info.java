/** Not public API. */
package com.englog.observability.metrics.internal;
