package com.englog.examples.api.web;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Signed-in sessions: an opaque id per {@code POST /api/sessions}, sent back by clients in {@code
 * X-Session-ID}. In memory and bounded (the oldest go first); a real service keeps them in Redis.
 */
public final class Sessions {

  /** The request header clients send their session id in. */
  public static final String HEADER = "X-Session-ID";
  private static final int MAX_SESSIONS = 10_000;

  private final Map<String, String> owners = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
      return size() > MAX_SESSIONS;
    }
  };

  /** Starts a session for {@code userId} and returns its id. */
  public synchronized String start(String userId) {
    String id = UUID.randomUUID().toString();
    owners.put(id, userId);
    return id;
  }

  /** The session {@code sessionId} if it exists and belongs to {@code userId}. */
  public synchronized Optional<String> find(String sessionId, String userId) {
    return userId.equals(owners.get(sessionId)) ? Optional.of(sessionId) : Optional.empty();
  }
}
