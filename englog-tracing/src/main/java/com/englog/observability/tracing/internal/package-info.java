/** Not public API. */
package com.englog.observability.tracing.internal;
