/** Not public API: the built-in detectors of the redaction scan and their dispatch table. */
package com.englog.observability.logging.internal.redaction;
