/** Not public API. */
package com.englog.observability.healthcheck.internal;
