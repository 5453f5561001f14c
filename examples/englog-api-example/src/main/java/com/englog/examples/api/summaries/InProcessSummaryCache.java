package com.englog.examples.api.summaries;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The cache without Redis: least recently used summaries in memory, at most {@value #MAX_ENTRIES}. */
public final class InProcessSummaryCache implements SummaryCache {

  static final int MAX_ENTRIES = 1_000;

  private final Map<String, String> entries = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  @Override
  public String type() {
    return "in_process";
  }

  @Override
  public synchronized Optional<String> get(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  @Override
  public synchronized void put(String key, String summary) {
    entries.put(key, summary);
  }
}
