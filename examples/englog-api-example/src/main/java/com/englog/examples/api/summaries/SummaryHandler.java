package com.englog.examples.api.summaries;

import com.englog.examples.api.Funnel;
import com.englog.examples.api.journals.Journal;
import com.englog.examples.api.journals.JournalRepository;
import com.englog.examples.api.web.ApiCall;
import com.englog.examples.api.web.ApiException;
import com.englog.observability.metrics.Metrics;
import java.io.IOException;
import java.sql.SQLException;

/**
 * {@code GET /api/journals/{id}/summary}: from the cache when it has it (no database, no AI call: it
 * keeps working while the database is down), else the journal from the database summarised by the AI
 * provider, synchronously, and cached.
 */
public final class SummaryHandler {

  /** The {@code key_pattern} label: the key's shape, never the key itself. */
  static final String KEY_PATTERN = "summary:*";

  private final SummaryCache cache;
  private final JournalRepository repository;
  private final AiClient ai;
  private final Funnel funnel;

  public SummaryHandler(SummaryCache cache, JournalRepository repository, AiClient ai, Funnel funnel) {
    this.cache = cache;
    this.repository = repository;
    this.ai = ai;
    this.funnel = funnel;
  }

  /** The answer. */
  record SummaryView(String journalId, String summary, boolean cached) {}

  public void get(ApiCall call) throws IOException, ApiException, SQLException {
    String journalId = call.pathParameter("id");
    // The user is part of the key: a cached summary is never served to someone else.
    String key = "summary:" + call.user().id() + ":" + journalId;
    String summary = cache.get(key).orElse(null);
    boolean cached = summary != null;
    if (cached) {
      Metrics.recordCacheHit(cache.type(), KEY_PATTERN);
    } else {
      Metrics.recordCacheMiss(cache.type(), KEY_PATTERN);
      Journal journal = repository.findById(call.user().id(), journalId)
          .orElseThrow(() -> new ApiException(404, "no such journal"));
      try {
        summary = ai.summarize(journal.body()).summary();
      } catch (IOException e) {
        throw new ApiException(502, "AI provider failed: " + e.getMessage());
      }
      cache.put(key, summary);
    }
    funnel.reached(Funnel.Step.AI_SUMMARY_VIEWED);
    call.respond(200, new SummaryView(journalId, summary, cached));
  }
}
