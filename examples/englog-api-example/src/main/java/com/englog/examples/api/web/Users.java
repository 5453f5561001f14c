package com.englog.examples.api.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer tokens and the users they stand for. A real service asks its identity provider; this example
 * reads a file of {@code token user role} lines, or falls back to three demo tokens (and says so).
 */
public final class Users {

  private static final Logger LOG = LoggerFactory.getLogger(Users.class);

  /** Built-in demo tokens: never use them outside a laptop. */
  static final Map<String, User> DEMO = demoTokens();

  private final Map<byte[], User> byToken;

  private Users(Map<String, User> tokens) {
    this.byToken = new LinkedHashMap<>();
    tokens.forEach((token, user) -> byToken.put(token.getBytes(StandardCharsets.UTF_8), user));
  }

  /** The users of {@code file} ({@code token user role} per line, {@code #} comments). */
  public static Users fromFile(Path file) throws IOException {
    Map<String, User> tokens = new LinkedHashMap<>();
    int lineNumber = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      lineNumber++;
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      String[] fields = trimmed.split("\\s+");
      if (fields.length != 3) {
        // The line holds a token: name the line, never print it.
        throw new IllegalArgumentException(file + " line " + lineNumber + ": expected 'token user role'");
      }
      try {
        tokens.put(fields[0], new User(fields[1], Role.parse(fields[2])));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + " line " + lineNumber + ": role must be reader, writer or admin");
      }
    }
    return new Users(tokens);
  }

  /** The built-in demo users: {@code demo-alice}, {@code demo-bob-readonly}, {@code demo-admin}. */
  public static Users demo() {
    LOG.warn("Using the built-in demo tokens (demo-alice, demo-bob-readonly, demo-admin): "
        + "set ENGLOG_EXAMPLE_USER_TOKENS_FILE for anything but a demo");
    return new Users(DEMO);
  }

  private static Map<String, User> demoTokens() {
    Map<String, User> tokens = new LinkedHashMap<>();
    tokens.put("demo-alice", new User("alice", Role.WRITER));
    tokens.put("demo-bob-readonly", new User("bob", Role.READER));
    tokens.put("demo-admin", new User("admin", Role.ADMIN));
    return Map.copyOf(tokens);
  }

  /**
   * The user of {@code token}. Every known token is compared in constant time, so the answer's timing
   * tells nothing about how much of a token was right.
   */
  public Optional<User> authenticate(String token) {
    byte[] given = token.getBytes(StandardCharsets.UTF_8);
    User found = null;
    for (Map.Entry<byte[], User> e : byToken.entrySet()) {
      if (MessageDigest.isEqual(e.getKey(), given)) {
        found = e.getValue();
      }
    }
    return Optional.ofNullable(found);
  }
}
