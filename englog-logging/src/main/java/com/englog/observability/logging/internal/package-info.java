/** Not public API. */
package com.englog.observability.logging.internal;
