package com.englog.examples.api.summaries;

import java.util.Optional;

/** Summaries already computed, so a second view costs neither the AI provider nor the database. */
public interface SummaryCache {

  /** The {@code cache_type} label: {@code redis} or {@code in_process}. */
  String type();

  /** The cached summary, or empty on a miss (or when the cache cannot answer). */
  Optional<String> get(String key);

  /** Caches {@code summary}; failing to is not an error of the request. */
  void put(String key, String summary);
}
