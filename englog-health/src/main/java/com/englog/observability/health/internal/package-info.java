/** Not public API. */
package com.englog.observability.health.internal;
