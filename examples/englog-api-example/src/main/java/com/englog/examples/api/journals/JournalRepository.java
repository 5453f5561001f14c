package com.englog.examples.api.journals;

import com.englog.observability.tracing.Tracing;
import io.opentelemetry.api.trace.Span;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Journals in SQL. Each query is one {@code traceDbQuery} call: a CLIENT span named after the operation
 * and table ({@code "insert journals"}), and through the tracing listener the
 * {@code englog_database_query_duration_seconds} histogram with that span as its exemplar.
 */
public final class JournalRepository {

  private static final int LIST_LIMIT = 100;

  private final Database database;
  private final Tracing tracing;

  public JournalRepository(Database database, Tracing tracing) {
    this.database = database;
    this.tracing = tracing;
  }

  public void insert(Journal journal) throws SQLException {
    tracing.traceDbQuery("insert", "journals", () -> database.call(c -> {
      database.peer().describe(Span.current());
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO journals (id, user_id, title, body, created_at) VALUES (?, ?, ?, ?, ?)")) {
        s.setString(1, journal.id());
        s.setString(2, journal.userId());
        s.setString(3, journal.title());
        s.setString(4, journal.body());
        s.setTimestamp(5, Timestamp.from(journal.createdAt()));
        return s.executeUpdate();
      }
    }));
  }

  /** The user's newest journals, at most 100. */
  public List<Journal> findByUser(String userId) throws SQLException {
    return tracing.traceDbQuery("select", "journals", () -> database.call(c -> {
      database.peer().describe(Span.current());
      try (PreparedStatement s = c.prepareStatement("SELECT id, user_id, title, body, created_at FROM journals"
          + " WHERE user_id = ? ORDER BY created_at DESC LIMIT " + LIST_LIMIT)) {
        s.setString(1, userId);
        try (ResultSet rs = s.executeQuery()) {
          List<Journal> journals = new ArrayList<>();
          while (rs.next()) {
            journals.add(journal(rs));
          }
          return journals;
        }
      }
    }));
  }

  /** The journal {@code id} if it belongs to {@code userId}. */
  public Optional<Journal> findById(String userId, String id) throws SQLException {
    return tracing.traceDbQuery("select", "journals", () -> database.call(c -> {
      database.peer().describe(Span.current());
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id, user_id, title, body, created_at FROM journals WHERE id = ? AND user_id = ?")) {
        s.setString(1, id);
        s.setString(2, userId);
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? Optional.of(journal(rs)) : Optional.<Journal>empty();
        }
      }
    }));
  }

  private static Journal journal(ResultSet rs) throws SQLException {
    return new Journal(rs.getString("id"), rs.getString("user_id"), rs.getString("title"), rs.getString("body"),
        rs.getTimestamp("created_at").toInstant());
  }
}
