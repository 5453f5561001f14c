package com.englog.observability.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.slf4j.event.KeyValuePair;

/**
 * Property test over 1,000,000 generated events: whatever the input (quotes, backslashes, control
 * characters, CR/LF, NUL, lone surrogates, megabyte messages, hostile MDC and key-value names, values
 * whose toString() throws), every line is one strictly valid JSON object with unique names, and the
 * message comes back exactly, truncated by the documented rule. Expected texts are computed here from
 * the generated input, independently of the encoder. Three phases: redaction off, hostile text
 * everywhere; redaction on, planted secrets in filler no detector reacts to, so the exact output and the
 * counts are known; redaction on, planted secrets in unrestricted hostile text, where the detectors'
 * triggers meet everything else (checked: valid, unique names, bounded, no planted secret written).
 * Seed: {@code -Denglog.fuzz.seed=...}.
 */
class JsonEncoderFuzzTest {

  private static final long SEED = Long.getLong("englog.fuzz.seed", 20261128L);
  private static final String MARKER = "...[truncated]";
  private static final String REDACTED = "[REDACTED]";
  private static final char[] SPECIAL = {
      '"', '\\', '\n', '\r', '\t', '\0', '\u001b', '\u007f', '\u2028', '\u2029', '\ufeff', '\uffff', '/', '<',
      '>', '&', '\'', '{', '}', '[', ']', ',', '\u0085', '\u00a0'};

  private final LoggerContext context = new LoggerContext();
  private final Logger logger = context.getLogger("com.englog.Fuzz");

  /** Characters the redaction detectors could react to; kept out of constrained filler. */
  private static boolean triggers(char c) {
    return c == '@' || c == ':' || c == '=' || c == '-';
  }

  /**
   * Random text. {@code constrained}: no detector can fire on it (no trigger characters, runs of ASCII
   * word characters of at most 6), so that only planted secrets are redacted.
   */
  static String text(SplittableRandom rng, int length, boolean constrained) {
    StringBuilder sb = new StringBuilder(length + 2);
    int run = 0;
    while (sb.length() < length) {
      int pick = rng.nextInt(100);
      char c;
      if (pick < 50) {
        c = (char) (0x20 + rng.nextInt(0x5f));
      } else if (pick < 58) {
        c = (char) rng.nextInt(0x20);
      } else if (pick < 68) {
        c = SPECIAL[rng.nextInt(SPECIAL.length)];
      } else if (pick < 76) {
        c = (char) (0xa0 + rng.nextInt(0x60));
      } else if (pick < 86) {
        int v = 0x100 + rng.nextInt(0xfffe - 0x100 - 0x800);
        c = (char) (v >= 0xd800 ? v + 0x800 : v);
      } else if (pick < 94) {
        int cp = 0x10000 + rng.nextInt(0x10ffff - 0x10000);
        sb.append(Character.highSurrogate(cp)).append(Character.lowSurrogate(cp));
        run = 0;
        continue;
      } else if (pick < 97) {
        c = (char) (0xd800 + rng.nextInt(0x400)); // lone high (unless a low follows by chance)
      } else {
        c = (char) (0xdc00 + rng.nextInt(0x400)); // lone low
      }
      if (constrained) {
        if (triggers(c)) {
          c = ' ';
        }
        boolean word = c < 128 && (Character.isLetterOrDigit(c) || c == '_');
        run = word ? run + 1 : 0;
        if (run > 6) {
          c = ' ';
          run = 0;
        }
      }
      sb.append(c);
    }
    return sb.toString();
  }

  static String alnum(SplittableRandom rng, int length) {
    String chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    StringBuilder sb = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      sb.append(chars.charAt(rng.nextInt(chars.length())));
    }
    return sb.toString();
  }

  /**
   * A secret as planted in text, the text the encoder must write instead, its kind (0 credential, 1 PII)
   * and the secret part itself, which must never reach the output.
   */
  static String[] secret(SplittableRandom rng) {
    switch (rng.nextInt(8)) {
      case 0: {
        String v = alnum(rng, 1 + rng.nextInt(20));
        return new String[] {" password=" + v + " ", " password=" + REDACTED + " ", "0", v};
      }
      case 1: {
        String v = alnum(rng, 16 + rng.nextInt(30));
        return new String[] {" Bearer " + v + " ", " Bearer " + REDACTED + " ", "0", v};
      }
      case 2: {
        String v = alnum(rng, 1 + rng.nextInt(10)).toLowerCase() + "@example.com";
        return new String[] {" " + v + " ", " " + REDACTED + " ", "1", v};
      }
      case 3: {
        String v = "ghp_" + alnum(rng, 36);
        return new String[] {" " + v + " ", " " + REDACTED + " ", "0", v};
      }
      case 4: {
        String pw = alnum(rng, 4 + rng.nextInt(12));
        return new String[] {" https://app:" + pw + "@db.internal/x ", " https://app:" + REDACTED + "@db.internal/x ",
            "0", pw};
      }
      case 5: {
        String v = "AKIA" + alnum(rng, 16).toUpperCase();
        return new String[] {" " + v + " ", " " + REDACTED + " ", "0", v};
      }
      case 6: {
        // Delimiters inside a password: the tail after them is part of the secret.
        String v = alnum(rng, 3) + ";" + alnum(rng, 1 + rng.nextInt(8)) + "&" + alnum(rng, 1 + rng.nextInt(8));
        return new String[] {" db_password=" + v + " ", " db_password=" + REDACTED + " ", "0", v};
      }
      default: {
        String v = "eyJ" + alnum(rng, 20) + ".eyJ" + alnum(rng, 20) + "." + alnum(rng, 10);
        return new String[] {" " + v + " ", " " + REDACTED + " ", "0", v};
      }
    }
  }

  /** The documented rule: cut at max (never inside a surrogate pair), add the marker. */
  static String truncated(String s, int max) {
    if (s.length() <= max) {
      return s;
    }
    int cut = max;
    if (Character.isHighSurrogate(s.charAt(cut - 1)) && Character.isLowSurrogate(s.charAt(cut))) {
      cut--;
    }
    return s.substring(0, cut) + MARKER;
  }

  /** What a JSON reader gets back: lone surrogates become U+FFFD, pairs stay. */
  static String wire(String s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append('\ufffd');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** Mostly short, like real messages; some past the truncation limits; a few long. */
  static int length(SplittableRandom rng) {
    int p = rng.nextInt(10_000);
    if (p < 9_500) {
      return rng.nextInt(120);
    }
    if (p < 9_990) {
      return 120 + rng.nextInt(3_000);
    }
    return 3_000 + rng.nextInt(30_000);
  }

  /**
   * An event with a hostile logger name now and then and a hostile thread name. With {@code redacting},
   * names are constrained filler: names are scanned too, and a detector firing by chance on a random name
   * would make the redaction counts differ from the planted secrets.
   */
  private LoggingEvent event(SplittableRandom rng, String message, Map<String, String> mdc, List<KeyValuePair> kvs,
      boolean redacting) {
    Level level = new Level[] {Level.TRACE, Level.DEBUG, Level.INFO, Level.WARN, Level.ERROR}[rng.nextInt(5)];
    LoggingEvent e = new LoggingEvent("fqcn", logger, level, message, null, null);
    if (rng.nextInt(4) == 0) {
      // A hostile logger name without registering a logger per event in the context.
      e.setLoggerName(text(rng, rng.nextInt(30), redacting));
    }
    e.setThreadName(rng.nextInt(4) == 0 ? text(rng, rng.nextInt(40), redacting) : "main");
    e.setTimeStamp(rng.nextLong(0, 4_102_444_800_000L));
    e.setMDCPropertyMap(mdc);
    if (!kvs.isEmpty()) {
      e.setKeyValuePairs(kvs);
    }
    return e;
  }

  /** Where two texts first differ, with escaped context, readable in a test report. */
  static String difference(String expected, String actual) {
    int i = 0;
    while (i < expected.length() && i < actual.length() && expected.charAt(i) == actual.charAt(i)) {
      i++;
    }
    int from = Math.max(0, i - 60);
    return "message did not round-trip; first difference at " + i + " (lengths " + expected.length() + ", "
        + actual.length() + ")\nexpected: " + visible(expected.substring(from, Math.min(expected.length(), i + 60)))
        + "\nactual:   " + visible(actual.substring(from, Math.min(actual.length(), i + 60)));
  }

  static String visible(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      } else {
        sb.append(String.format("\\u%04x", (int) c));
      }
    }
    return sb.toString();
  }

  private static final Object THROWING = new Object() {
    @Override
    public String toString() {
      throw new IllegalStateException("no");
    }
  };

  /** Up to three entries of hostile text; now and then one named {@code standardName}, a collision. */
  private static Map<String, String> hostileMdc(SplittableRandom rng, String standardName) {
    Map<String, String> mdc = new HashMap<>();
    for (int m = rng.nextInt(4); m > 0; m--) {
      mdc.put(rng.nextInt(3) == 0 ? standardName : text(rng, rng.nextInt(12), false), text(rng, rng.nextInt(60), false));
    }
    return mdc;
  }

  /** Up to two pairs: hostile text, a long or a value whose toString() throws; names as in {@link #hostileMdc}. */
  private static List<KeyValuePair> hostileKeyValues(SplittableRandom rng, String standardName) {
    List<KeyValuePair> kvs = new ArrayList<>();
    for (int k = rng.nextInt(3); k > 0; k--) {
      Object value = rng.nextInt(10) == 0 ? THROWING : rng.nextBoolean() ? rng.nextLong() : text(rng, 20, false);
      kvs.add(new KeyValuePair(rng.nextInt(3) == 0 ? standardName : text(rng, rng.nextInt(10), false), value));
    }
    return kvs;
  }

  @Test
  void aMillionHostileEventsAllParseStrictlyAndRoundTripTheirMessage() {
    SplittableRandom rng = new SplittableRandom(SEED);
    JsonEncoder raw = new JsonEncoder();
    raw.setContext(context);
    raw.setRedaction(false);
    raw.setMaxMessageLength(1000);
    raw.setMaxFieldLength(300);
    raw.start();

    int rawEvents = 300_000;
    for (int i = 0; i < rawEvents; i++) {
      String message = rng.nextInt(500) == 0 ? null : text(rng, length(rng), false);
      if (i % 100_000 == 7) {
        message = text(rng, 1_048_576, false); // a megabyte now and then
      }
      Map<String, String> mdc = hostileMdc(rng, "level");
      List<KeyValuePair> kvs = hostileKeyValues(rng, "message");
      byte[] line = raw.encode(event(rng, message, mdc, kvs, false));
      JsonNode node = Lines.parse(line);
      if (message == null) {
        assertThat(node.get("message").isNull()).isTrue();
      } else {
        String expected = wire(truncated(message, 1000));
        if (!expected.equals(node.get("message").asText())) {
          throw new AssertionError("event " + i + " (seed " + SEED + "): " + difference(expected, node.get("message").asText()));
        }
      }
    }

    JsonEncoder redacting = new JsonEncoder();
    redacting.setContext(context);
    redacting.setMaxMessageLength(2000);
    redacting.setMaxFieldLength(500);
    redacting.start();
    RedactionCounts counts = redacting.redactionCounts();
    long credentialsBefore = counts.count(RedactionKind.CREDENTIAL);
    long piiBefore = counts.count(RedactionKind.PII);
    long fieldsBefore = counts.count(RedactionKind.FIELD);
    long plantedCredentials = 0;
    long plantedPii = 0;
    long deniedFields = 0;

    int redactedEvents = 550_000;
    for (int i = 0; i < redactedEvents; i++) {
      StringBuilder message = new StringBuilder();
      StringBuilder expected = new StringBuilder();
      int target = i % 100_000 == 11 ? 1_048_576 : length(rng);
      while (message.length() < target) {
        String filler = text(rng, rng.nextInt(40), true);
        message.append(filler);
        expected.append(filler);
        if (rng.nextInt(3) == 0) {
          String[] s = secret(rng);
          // A redaction counts when its replacement starts within the written (truncated) part.
          boolean written = expected.length() + s[1].indexOf(REDACTED) < 2000;
          message.append(s[0]);
          expected.append(s[1]);
          if (written) {
            if (s[2].equals("0")) {
              plantedCredentials++;
            } else {
              plantedPii++;
            }
          }
        }
      }
      Map<String, String> mdc = new HashMap<>();
      String[] inMdc = secret(rng);
      mdc.put("note", inMdc[0]);
      mdc.put("password", alnum(rng, 8));
      deniedFields++;
      if (inMdc[2].equals("0")) {
        plantedCredentials++;
      } else {
        plantedPii++;
      }
      List<KeyValuePair> kvs = new ArrayList<>();
      kvs.add(new KeyValuePair("api_key", alnum(rng, 12)));
      deniedFields++;

      String text = message.toString();
      JsonNode node = Lines.parse(redacting.encode(event(rng, text, mdc, kvs, true)));
      String want = wire(truncated(expected.toString(), 2000));
      if (!want.equals(node.get("message").asText())) {
        throw new AssertionError("redacted event " + i + " (seed " + SEED + "): "
            + difference(want, node.get("message").asText()) + "\ninput around there: "
            + visible(text.substring(0, Math.min(text.length(), 2200))));
      }
      assertThat(node.get("note").asText()).isEqualTo(inMdc[1]);
      assertThat(node.get("password").asText()).isEqualTo(REDACTED);
      assertThat(node.get("api_key").asText()).isEqualTo(REDACTED);
    }
    assertThat(counts.count(RedactionKind.CREDENTIAL) - credentialsBefore).isEqualTo(plantedCredentials);
    assertThat(counts.count(RedactionKind.PII) - piiBefore).isEqualTo(plantedPii);
    assertThat(counts.count(RedactionKind.FIELD) - fieldsBefore).isEqualTo(deniedFields);
    assertThat(raw.encodingFailures() + redacting.encodingFailures()).isZero();

    int hostileEvents = hostileTextWithRedaction(rng, redacting);
    assertThat(redacting.encodingFailures()).isZero();
    assertThat(rawEvents + redactedEvents + hostileEvents).isGreaterThanOrEqualTo(1_000_000);
  }

  /**
   * Unrestricted hostile text with redaction on: the detectors' triggers ({@code @ : = -}) meet quotes,
   * control characters, lone surrogates and each other in the message, MDC and key-value names and
   * values, logger and thread names. What the detectors make of random text is not predicted here; what
   * must hold whatever they do: one strictly valid line with unique names, a message no longer than its
   * limit, and no planted secret anywhere in the line.
   */
  private int hostileTextWithRedaction(SplittableRandom rng, JsonEncoder redacting) {
    int events = 150_000;
    List<String> planted = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      planted.clear();
      StringBuilder message = new StringBuilder();
      int target = i % 75_000 == 13 ? 1_048_576 : length(rng);
      while (message.length() < target) {
        message.append(text(rng, rng.nextInt(40), false));
        if (rng.nextInt(3) == 0) {
          String[] s = secret(rng);
          message.append(s[0]);
          planted.add(s[3]);
        }
      }
      Map<String, String> mdc = hostileMdc(rng, "message");
      String[] inMdc = secret(rng);
      mdc.put(text(rng, rng.nextInt(8), false), text(rng, rng.nextInt(20), false) + inMdc[0]);
      planted.add(inMdc[3]);
      List<KeyValuePair> kvs = hostileKeyValues(rng, "level");
      String[] inKv = secret(rng);
      kvs.add(new KeyValuePair(text(rng, rng.nextInt(8), false), inKv[0] + text(rng, rng.nextInt(20), false)));
      planted.add(inKv[3]);

      byte[] bytes = redacting.encode(event(rng, message.toString(), mdc, kvs, false));
      JsonNode node = Lines.parse(bytes);
      String written = node.get("message").asText();
      if (written.length() > 2000 + MARKER.length()) {
        throw new AssertionError("hostile event " + i + " (seed " + SEED + "): message of " + written.length()
            + " characters");
      }
      String line = node.toString(); // as parsed: escapes of the wire undone
      for (String secret : planted) {
        // Shorter secrets could occur in random text by chance; 8 characters and more cannot, in practice.
        if (secret.length() >= 8 && line.contains(secret)) {
          throw new AssertionError("hostile event " + i + " (seed " + SEED + "): secret '" + secret
              + "' written in " + visible(line));
        }
      }
    }
    return events;
  }
}
