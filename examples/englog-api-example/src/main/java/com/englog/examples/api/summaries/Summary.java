package com.englog.examples.api.summaries;

/** What the AI provider answers: {@code {"summary":"…","tokens":N}}. */
public record Summary(String summary, int tokens) {}
