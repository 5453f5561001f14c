package com.englog.observability.logging.internal;

import com.englog.observability.logging.RedactionDetector;
import com.englog.observability.logging.internal.redaction.Detector;
import com.englog.observability.logging.internal.redaction.DetectorTable;
import com.englog.observability.logging.internal.redaction.FieldNames;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one redaction pipeline: finds credentials and personal data in free text in a single left-to-right
 * pass, and decides by field name which MDC / key-value fields are replaced whole. Immutable and
 * thread-safe; the per-call result goes into a caller-owned {@link Spans}.
 *
 * <p>Each built-in detector is a small class of {@code internal.redaction}, named by a
 * {@link RedactionDetector}, that declares the characters a match can start on. The scan skips, with
 * one table look-up per character, to the next character some enabled detector declared, and calls
 * that character's detectors there ({@link DetectorTable}); the table is built from the declarations,
 * so adding a detector means writing its class and its case in {@link Detector}'s factory switch (which
 * does not compile without it). Field names are matched by {@link FieldNames}.
 *
 * <p>MVP-024 kept the character classes, the token formats, the first-character string derived from
 * them and the disabled redactor as static fields of this one class, where a static field declared
 * above a table it reads saw that table still empty. Now the only static tables live in classes that
 * read nothing of their dependants' static state ({@code Chars}, then the detectors' constant format
 * lists), every derived table is built per instance in a constructor, and no static field of this
 * class is read while the detector classes initialize, so the result is the same whatever order the
 * classes are loaded and initialized in.
 */
public final class Redactor {

  public static final int CREDENTIAL = 0;
  public static final int PII = 1;
  public static final int FIELD = 2;
  public static final int KINDS = 3;

  /** Every built-in detector, in documentation order: the {@link RedactionDetector} names, spelled. */
  public static final List<String> DETECTORS =
      Arrays.stream(RedactionDetector.values()).map(Detector::spelling).toList();

  /** Detectors on unless disabled; {@code credit-card} is opt-in. */
  public static final List<String> DEFAULT_DETECTORS = DETECTORS.stream()
      .filter(d -> !d.equals(Detector.spelling(RedactionDetector.CREDIT_CARD)))
      .toList();

  /**
   * Field-name deny list: a name matches an entry when, lower-cased and with {@code - _ .} and spaces
   * removed, it ends with the entry ({@code db.password}, {@code X-Api-Key}, {@code csrf_token}).
   * Plural {@code tokens} (token counts of AI calls) does not match {@code token}.
   */
  public static final List<String> DEFAULT_DENIED_FIELDS = List.of(
      "password", "passwd", "passphrase", "pwd", "secret", "token", "apikey", "accesskey", "accountkey",
      "privatekey", "authorization", "auth", "cookie", "sessionid", "credential", "credentials",
      "cardnumber", "creditcard", "cvv", "cvc", "ssn", "signature");

  public static final String DEFAULT_REPLACEMENT = "[REDACTED]";

  private static final Redactor DISABLED = new Redactor();

  private final boolean enabled;
  private final FieldNames names;
  private final DetectorTable detectors;
  private final Pattern[] patterns;
  private final int[] patternKinds;
  private final String replacement;

  private Redactor() {
    enabled = false;
    names = new FieldNames(List.of(), List.of(), false);
    detectors = new DetectorTable(Set.of(), names);
    patterns = new Pattern[0];
    patternKinds = new int[0];
    replacement = DEFAULT_REPLACEMENT;
  }

  private Redactor(Builder b) {
    enabled = true;
    names = new FieldNames(b.denied, b.allowed, b.allowListMode);
    Set<RedactionDetector> on = EnumSet.noneOf(RedactionDetector.class);
    for (RedactionDetector d : RedactionDetector.values()) {
      if (b.detectors.contains(Detector.spelling(d))) {
        on.add(d);
      }
    }
    detectors = new DetectorTable(on, names);
    patterns = b.patterns.toArray(new Pattern[0]);
    patternKinds = b.patternKinds.stream().mapToInt(Integer::intValue).toArray();
    replacement = b.replacement;
  }

  public static Redactor disabled() {
    return DISABLED;
  }

  public static Builder builder() {
    return new Builder();
  }

  public boolean enabled() {
    return enabled;
  }

  public String replacement() {
    return replacement;
  }

  /** Lower-case ASCII and drop the separators {@code - _ .} and spaces. */
  public static String normalize(String name) {
    return FieldNames.normalize(name);
  }

  // ---------------------------------------------------------------- field names

  /**
   * True if the value of a field (MDC entry, key-value pair, map entry) named {@code key} must be
   * replaced whole: its name is on the deny list (and not on the allow list), or allow-list mode is on
   * and the name is not allowed. Not memoized here: the encoder keeps a bounded cache of decisions.
   */
  public boolean redactsField(String key) {
    return enabled && names.redactsField(key);
  }

  // ---------------------------------------------------------------- free text

  /**
   * Finds what to redact in {@code s}, as far as it will be written: only replacements that start
   * before output position {@code outputLimit} (positions in the redacted text, where each span is
   * replaced by {@link #replacement()}) are reported, so a long text is scanned only as far as its
   * truncated form reaches, and a secret pushed into view by an earlier, shorter replacement is still
   * found. A match may extend past the limit.
   *
   * @return the number of spans in {@code out}
   */
  public int scan(String s, int outputLimit, Spans out) {
    out.clear();
    if (!enabled || s == null) {
      return 0;
    }
    int n = s.length();
    int repl = replacement.length();
    DetectorTable table = detectors;
    char[] chars = out.chars();
    int copied = 0;
    long delta = 0; // output position of source index i is i + delta
    int i = 0;
    while (i < n) {
      // Triggers a little past the limit still count: an e-mail's span starts up to LOOKBACK characters
      // before its '@', so its local part can be in view while the '@' is not.
      int lim = (int) Math.min(n, Math.max(0, outputLimit - delta + Detector.LOOKBACK));
      if (i >= lim) {
        break;
      }
      if (lim > copied) {
        chars = out.copy(s, copied, lim);
        copied = lim;
      }
      i = table.skip(chars, i, lim);
      if (i >= lim) {
        break;
      }
      int before = out.size();
      int next = table.scanAt(s, i, n, out);
      for (int k = before; k < out.size(); k++) {
        if (out.start(k) + delta >= outputLimit) {
          out.truncate(k); // its replacement would not be written
          next = n;
          break;
        }
        delta += repl - (out.end(k) - out.start(k));
      }
      i = next > i ? next : i + 1;
    }
    out.trim();
    if (patterns.length > 0) {
      // Conservative for custom patterns: a match counts if it could be in view at all.
      applyPatterns(s, (int) Math.min(n, Math.max(outputLimit, outputLimit - Math.min(0, delta))), out);
    }
    return out.size();
  }

  private void applyPatterns(String s, int lim, Spans out) {
    if (out.matchersOwner != this) {
      out.matchers = new Matcher[patterns.length];
      out.matchersOwner = this;
    }
    int before = out.size();
    for (int p = 0; p < patterns.length; p++) {
      Matcher m = out.matchers[p];
      if (m == null) {
        m = patterns[p].matcher(s);
        out.matchers[p] = m;
      } else {
        m.reset(s);
      }
      while (m.find() && m.start() < lim) {
        if (m.end() > m.start()) {
          out.add(m.start(), m.end(), patternKinds[p]);
        }
      }
      m.reset(""); // do not keep a reference to a possibly huge message
    }
    if (out.size() != before) {
      out.normalize();
    }
  }

  /** Configuration of a {@link Redactor}. */
  public static final class Builder {
    private boolean allowListMode;
    private final List<String> denied = new ArrayList<>(DEFAULT_DENIED_FIELDS);
    private final List<String> allowed = new ArrayList<>();
    private final Set<String> detectors = new LinkedHashSet<>(DEFAULT_DETECTORS);
    private final List<Pattern> patterns = new ArrayList<>();
    private final List<Integer> patternKinds = new ArrayList<>();
    private String replacement = DEFAULT_REPLACEMENT;

    public Builder allowListMode(boolean on) {
      this.allowListMode = on;
      return this;
    }

    public Builder denyField(String name) {
      denied.add(Objects.requireNonNull(name, "name"));
      return this;
    }

    public Builder allowField(String name) {
      allowed.add(Objects.requireNonNull(name, "name"));
      return this;
    }

    public Builder enableDetector(String name) {
      detectors.add(checkDetector(name));
      return this;
    }

    public Builder disableDetector(String name) {
      detectors.remove(checkDetector(name));
      return this;
    }

    private static String checkDetector(String name) {
      Objects.requireNonNull(name, "name");
      String n = name.trim().toLowerCase(Locale.ROOT);
      if (!DETECTORS.contains(n)) {
        throw new IllegalArgumentException("detector must be one of " + DETECTORS + ", got '" + name + "'");
      }
      return n;
    }

    public Builder pattern(Pattern pattern, int kind) {
      Objects.requireNonNull(pattern, "pattern");
      if (kind != CREDENTIAL && kind != PII) {
        throw new IllegalArgumentException("kind must be CREDENTIAL or PII, got " + kind);
      }
      patterns.add(pattern);
      patternKinds.add(kind);
      return this;
    }

    public Builder replacement(String replacement) {
      this.replacement = Objects.requireNonNull(replacement, "replacement");
      return this;
    }

    public Redactor build() {
      return new Redactor(this);
    }
  }

  @Override
  public String toString() {
    return enabled
        ? "Redactor{mode=" + (names.allowListMode() ? "allow-list" : "deny-list") + ", denied="
            + names + "}"
        : "Redactor{disabled}";
  }
}
