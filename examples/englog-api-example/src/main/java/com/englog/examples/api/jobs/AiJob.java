package com.englog.examples.api.jobs;

import java.util.Map;

/**
 * The job the worker summarises, as JSON on the queue or in the {@code POST /jobs} body:
 * {@code {"journalId":"…","userId":"…","text":"…","enqueuedAt":"<ISO-8601>","trace":{"traceparent":"00-…"}}}.
 * {@code trace} is the W3C context of the API's PRODUCER span, so the worker's span joins the trace.
 */
public record AiJob(String journalId, String userId, String text, String enqueuedAt, Map<String, String> trace) {}
