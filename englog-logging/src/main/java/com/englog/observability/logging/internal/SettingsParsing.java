package com.englog.observability.logging.internal;

import static com.englog.observability.logging.internal.EncoderSettings.FALLBACK_ERROR_FIELD;
import static com.englog.observability.logging.internal.EncoderSettings.STANDARD_FIELDS;

import com.englog.observability.logging.internal.EncoderSettings.Format;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the raw option values {@link EncoderSettings.Builder} collects into checked ones: each wrong
 * value is reported as a problem naming its option, what it accepts and the default used instead.
 */
final class SettingsParsing {

  private SettingsParsing() {}

  /**
   * The configured name of the MDC or key-value object, or null (top level) when unset or already
   * held by a standard field, a static field or the other object; that is reported naming the option.
   */
  static String objectName(String option, String raw, Map<String, String> holders,
      List<String> problems, String fallback) {
    String name = blankToNull(raw);
    if (name == null) {
      return null;
    }
    String holder = holders.putIfAbsent(name, "the " + option + " object");
    if (holder != null) {
      problems.add(option + " '" + name + "' is already the name of " + holder + "; a name is never written"
          + " twice, so " + fallback);
      return null;
    }
    return name;
  }

  static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.trim();
  }

  static int checkRange(List<String> problems, String field, Integer value, int min, int max,
      int fallback) {
    if (value == null) {
      return fallback;
    }
    if (value < min || value > max) {
      problems.add(field + " must be in [" + min + ", " + max + "], got " + value + "; using " + fallback);
      return fallback;
    }
    return value;
  }

  /**
   * The spellings an enumerated option accepts (case and surrounding blanks ignored) and their values;
   * the first is the default, the first {@code shown} are listed in the message for a wrong one.
   */
  static final class Choices<T> {
    final Map<String, T> values = new LinkedHashMap<>();
    final String shown;

    Choices(String shown, Object... spellingsAndValues) {
      this.shown = shown;
      for (int i = 0; i < spellingsAndValues.length; i += 2) {
        @SuppressWarnings("unchecked")
        T value = (T) spellingsAndValues[i + 1];
        values.put(((String) spellingsAndValues[i]).toLowerCase(Locale.ROOT), value);
      }
    }

    T fallback() {
      return values.values().iterator().next();
    }
  }

  private static final byte[] LF = {'\n'};
  private static final byte[] CRLF = {'\r', '\n'};
  static final Choices<Format> FORMATS = new Choices<>("compact, pretty, text",
      "compact", Format.COMPACT, "pretty", Format.PRETTY, "text", Format.TEXT);
  static final Choices<Integer> PRECISIONS = new Choices<>("millis, micros, nanos",
      "millis", 3, "micros", 6, "nanos", 9, "milliseconds", 3, "microseconds", 6, "nanoseconds", 9);
  static final Choices<byte[]> LINE_SEPARATORS = new Choices<>("LF, CRLF, SYSTEM",
      "LF", LF, "CRLF", CRLF, "SYSTEM", System.lineSeparator().getBytes(StandardCharsets.UTF_8),
      "\n", LF, "\\n", LF, "\r\n", CRLF, "\\r\\n", CRLF);
  static final Choices<Boolean> REDACTION_MODES = new Choices<>("DENY_LIST, ALLOW_LIST",
      "DENY_LIST", false, "ALLOW_LIST", true, "deny-list", false, "allow-list", true, "denylist", false,
      "allowlist", true);

  /**
   * The value spelled {@code raw}, or the default when it is unset or unknown; an unknown spelling is
   * reported naming the option, what it accepts and the default used.
   */
  static <T> T choice(String option, String raw, Choices<T> choices, List<String> problems) {
    if (raw == null || raw.isEmpty()) {
      return choices.fallback();
    }
    // Untrimmed first: a line separator given as the characters themselves is all blanks.
    T v = choices.values.get(raw.toLowerCase(Locale.ROOT));
    if (v == null) {
      v = choices.values.get(raw.trim().toLowerCase(Locale.ROOT));
    }
    if (v != null) {
      return v;
    }
    if (!raw.isBlank()) {
      problems.add(option + " must be one of " + choices.shown + "; got '" + raw + "'; using "
          + choices.shown.substring(0, choices.shown.indexOf(',')));
    }
    return choices.fallback();
  }

/**
 * The name of each standard field after the {@code fieldName} renames; a reserved name or one taken
 * twice is reported and the field keeps its default name. Null where a field is removed.
 */
static String[] names(Map<String, String> renames, List<String> problems) {
    String[] out = STANDARD_FIELDS.toArray(new String[0]);
    renames.forEach((standard, custom) -> {
      if (custom.equals(FALLBACK_ERROR_FIELD)) {
        problems.add("fieldName: '" + FALLBACK_ERROR_FIELD + "' is reserved for the line written when an event"
            + " cannot be encoded; '" + standard + "' keeps its default name");
      } else {
        out[STANDARD_FIELDS.indexOf(standard)] = custom.isEmpty() ? null : custom;
      }
    });
    // Two standard fields under one name: the renamed one goes back to its default name (which may
    // in turn collide with another renamed field, hence the loop; it ends: defaults are distinct).
    boolean changed = true;
    while (changed) {
      changed = false;
      for (int i = 0; i < out.length && !changed; i++) {
        for (int j = 0; j < out.length && !changed; j++) {
          if (i != j && out[i] != null && out[i].equals(out[j])) {
            int renamed = out[i].equals(STANDARD_FIELDS.get(i)) ? j : i;
            problems.add("fieldName: '" + out[renamed] + "' is used for two standard fields; '"
                + STANDARD_FIELDS.get(renamed) + "' keeps its default name");
            out[renamed] = STANDARD_FIELDS.get(renamed);
            changed = true;
          }
        }
      }
    }
    return out;
  }
}
