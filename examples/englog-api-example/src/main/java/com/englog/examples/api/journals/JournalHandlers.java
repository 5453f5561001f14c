package com.englog.examples.api.journals;

import com.englog.examples.api.Funnel;
import com.englog.examples.api.jobs.AiJobPublisher;
import com.englog.examples.api.web.ApiCall;
import com.englog.examples.api.web.ApiException;
import com.englog.observability.logging.StructuredLogger;
import com.englog.observability.metrics.Metrics;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** {@code POST /api/journals}, {@code GET /api/journals} and {@code GET /api/journals/{id}}. */
public final class JournalHandlers {

  /** Every journal of this API is typed text: the {@code entry_type} label. */
  public static final String ENTRY_TYPE = "text";
  private static final int MAX_TITLE = 200;
  private static final int MAX_BODY = 20_000;
  private static final StructuredLogger LOG = StructuredLogger.of(JournalHandlers.class);

  private final JournalRepository repository;
  private final AiJobPublisher aiJobs;
  private final Funnel funnel;

  public JournalHandlers(JournalRepository repository, AiJobPublisher aiJobs, Funnel funnel) {
    this.repository = repository;
    this.aiJobs = aiJobs;
    this.funnel = funnel;
  }

  /** The body of {@code POST /api/journals}. */
  record NewJournal(String title, String body) {}

  /** A journal in a list: no body. */
  record Listed(String id, String title, String createdAt) {}

  /** One journal. */
  record Full(String id, String title, String body, String createdAt) {}

  public void create(ApiCall call) throws IOException, ApiException, SQLException {
    NewJournal input = call.body(NewJournal.class);
    if (input.title() == null || input.title().isBlank() || input.title().length() > MAX_TITLE) {
      throw new ApiException(400, "title must be 1 to " + MAX_TITLE + " characters");
    }
    if (input.body() == null || input.body().length() > MAX_BODY) {
      throw new ApiException(400, "body must be at most " + MAX_BODY + " characters");
    }
    String userId = call.user().id();
    Journal journal = new Journal(UUID.randomUUID().toString(), userId, input.title().strip(), input.body(),
        Instant.now());
    repository.insert(journal);

    Metrics.recordJournalCreated(userId, ENTRY_TYPE);
    funnel.reached(Funnel.Step.JOURNAL_CREATED);
    LOG.logBusinessEvent("journal_created", userId,
        Map.of("journal_id", journal.id(), "entry_type", ENTRY_TYPE, "words", journal.words()));
    try {
      aiJobs.publish(journal);
    } catch (IOException e) {
      // The journal is saved; its summary will be computed on first view instead.
      LOG.logger().warn("AI job for journal {} not handed over: {}", journal.id(), e.toString());
    }
    call.responseHeader("Location", "/api/journals/" + journal.id());
    call.respond(201, Map.of("id", journal.id()));
  }

  public void list(ApiCall call) throws IOException, SQLException {
    List<Listed> journals = repository.findByUser(call.user().id()).stream()
        .map(j -> new Listed(j.id(), j.title(), j.createdAt().toString()))
        .toList();
    call.respond(200, journals);
  }

  public void get(ApiCall call) throws IOException, ApiException, SQLException {
    Journal j = repository.findById(call.user().id(), call.pathParameter("id"))
        .orElseThrow(() -> new ApiException(404, "no such journal"));
    call.respond(200, new Full(j.id(), j.title(), j.body(), j.createdAt().toString()));
  }
}
