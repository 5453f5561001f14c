/**
 * JMH benchmarks: one class per comparison, our call beside the competitor's in the same run. Results
 * and the commands that reproduce them are in {@code docs/benchmarks.md}.
 */
package com.englog.observability.benchmarks;
