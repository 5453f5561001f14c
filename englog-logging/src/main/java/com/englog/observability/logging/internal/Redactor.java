package com.englog.observability.logging.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one redaction pipeline: finds credentials and personal data in free text in a single left-to-right
 * pass (a switch on the current character; a detector runs only where its trigger character or prefix
 * is), and decides by field name which MDC / key-value fields are replaced whole. Immutable and
 * thread-safe; the per-call result goes into a caller-owned {@link Spans}.
 */
public final class Redactor {

  public static final int CREDENTIAL = 0;
  public static final int PII = 1;
  public static final int FIELD = 2;
  public static final int KINDS = 3;

  public static final String AUTHORIZATION = "authorization";
  public static final String URL_CREDENTIALS = "url-credentials";
  public static final String KEY_VALUE = "key-value";
  public static final String TOKEN_FORMATS = "token-formats";
  public static final String PRIVATE_KEY = "private-key";
  public static final String EMAIL = "email";
  public static final String CREDIT_CARD = "credit-card";

  /** Every built-in detector, in documentation order. */
  public static final List<String> DETECTORS = List.of(
      AUTHORIZATION, URL_CREDENTIALS, KEY_VALUE, TOKEN_FORMATS, PRIVATE_KEY, EMAIL, CREDIT_CARD);

  /** Detectors on unless disabled; {@code credit-card} is opt-in. */
  public static final List<String> DEFAULT_DETECTORS = List.of(
      AUTHORIZATION, URL_CREDENTIALS, KEY_VALUE, TOKEN_FORMATS, PRIVATE_KEY, EMAIL);

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

  private static final int MAX_KEY_CHARS = 64;
  /** Longest e-mail local part (RFC 5321): how far before its trigger a span can start. */
  private static final int LOOKBACK = 64;

  // Character classes of ASCII characters.
  private static final short ALPHA = 1;
  private static final short DIGIT = 2;
  private static final short UPPER = 4;
  private static final short B64URL_EXTRA = 8; // - _
  private static final short TOKEN68_EXTRA = 16; // - . _ ~ + / =
  private static final short KEY_EXTRA = 32; // _ - .
  private static final short EMAIL_EXTRA = 64; // . _ % + -
  private static final short B64_EXTRA = 128; // + / =
  private static final short VALUE_END = 256; // delimiters that end an unquoted value
  private static final short SOFT_VALUE_END = 512; // ... only when another key=value pair follows
  private static final short[] CLASS = new short[128];

  static {
    for (int c = 'a'; c <= 'z'; c++) {
      CLASS[c] |= ALPHA;
    }
    for (int c = 'A'; c <= 'Z'; c++) {
      CLASS[c] |= ALPHA | UPPER;
    }
    for (int c = '0'; c <= '9'; c++) {
      CLASS[c] |= DIGIT;
    }
    for (char c : "-_".toCharArray()) {
      CLASS[c] |= B64URL_EXTRA;
    }
    for (char c : "-._~+/=".toCharArray()) {
      CLASS[c] |= TOKEN68_EXTRA;
    }
    for (char c : "_-.".toCharArray()) {
      CLASS[c] |= KEY_EXTRA;
    }
    for (char c : "._%+-".toCharArray()) {
      CLASS[c] |= EMAIL_EXTRA;
    }
    for (char c : "+/=".toCharArray()) {
      CLASS[c] |= B64_EXTRA;
    }
    for (int c = 0; c <= ' '; c++) {
      CLASS[c] |= VALUE_END;
    }
    for (char c : ",;&\"'<>)]}`".toCharArray()) {
      CLASS[c] |= VALUE_END;
    }
    CLASS[0x7f] |= VALUE_END;
    for (char c : ",;&".toCharArray()) {
      CLASS[c] |= SOFT_VALUE_END;
    }
  }

  private static final String[] AUTH_SCHEMES = {"bearer", "basic", "digest", "token", "negotiate", "apikey"};

  private final boolean enabled;
  private final boolean allowListMode;
  private final char[][] denied;
  private final int deniedLastChars; // bit per 'a'..'z' of the last character of a deny entry
  private final char[][] allowed;
  private final boolean authorization;
  private final boolean urlCredentials;
  private final boolean keyValue;
  private final boolean tokenFormats;
  private final boolean privateKey;
  private final boolean email;
  private final boolean creditCard;
  private final Pattern[] patterns;
  private final int[] patternKinds;
  private final String replacement;

  // Per-instance scan table: which ASCII characters can start a match, given the enabled detectors.
  private static final byte T_WORD = 1; // letter, digit or '_': part of a word
  private static final byte T_ANYWHERE = 2; // a detector may start here whatever precedes
  private static final byte T_WORD_START = 4; // a detector may start here at the start of a word
  private final byte[] table = new byte[128];

  private Redactor() {
    enabled = false;
    allowListMode = false;
    denied = new char[0][];
    deniedLastChars = 0;
    allowed = new char[0][];
    authorization = urlCredentials = keyValue = tokenFormats = privateKey = email = creditCard = false;
    patterns = new Pattern[0];
    patternKinds = new int[0];
    replacement = DEFAULT_REPLACEMENT;
    fillTable();
  }

  private Redactor(Builder b) {
    enabled = true;
    allowListMode = b.allowListMode;
    denied = normalizedNames(b.denied);
    int mask = 0;
    for (char[] d : denied) {
      char last = d[d.length - 1];
      mask |= last >= 'a' && last <= 'z' ? 1 << (last - 'a') : 1 << 26;
    }
    deniedLastChars = mask;
    allowed = normalizedNames(b.allowed);
    Set<String> on = b.detectors;
    authorization = on.contains(AUTHORIZATION);
    urlCredentials = on.contains(URL_CREDENTIALS);
    keyValue = on.contains(KEY_VALUE);
    tokenFormats = on.contains(TOKEN_FORMATS);
    privateKey = on.contains(PRIVATE_KEY);
    email = on.contains(EMAIL);
    creditCard = on.contains(CREDIT_CARD);
    patterns = b.patterns.toArray(new Pattern[0]);
    patternKinds = b.patternKinds.stream().mapToInt(Integer::intValue).toArray();
    replacement = b.replacement;
    fillTable();
  }

  private void fillTable() {
    for (int c = 0; c < 128; c++) {
      if (isWordChar((char) c)) {
        table[c] |= T_WORD;
      }
    }
    if (email) {
      table['@'] |= T_ANYWHERE;
    }
    if (urlCredentials || keyValue) {
      table[':'] |= T_ANYWHERE;
    }
    if (keyValue) {
      table['='] |= T_ANYWHERE;
    }
    if (privateKey) {
      table['-'] |= T_ANYWHERE;
    }
    if (authorization) {
      table['B'] |= T_WORD_START;
      table['b'] |= T_WORD_START;
    }
    if (tokenFormats) {
      for (char c : TOKEN_FIRST_CHARS.toCharArray()) {
        table[c] |= T_WORD_START;
      }
    }
    if (creditCard) {
      for (char c = '0'; c <= '9'; c++) {
        table[c] |= T_WORD_START;
      }
    }
  }

  /** Field-name list entries normalized, without duplicates or empty ones. */
  private static char[][] normalizedNames(List<String> names) {
    Set<String> unique = new LinkedHashSet<>();
    for (String name : names) {
      String n = normalize(name);
      if (!n.isEmpty()) {
        unique.add(n);
      }
    }
    char[][] out = new char[unique.size()][];
    int i = 0;
    for (String e : unique) {
      out[i++] = e.toCharArray();
    }
    return out;
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
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!isSeparator(c)) {
        sb.append(lower(c));
      }
    }
    return sb.toString();
  }

  private static boolean isSeparator(char c) {
    return c == '-' || c == '_' || c == '.' || c == ' ';
  }

  private static char lower(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + 32) : c;
  }

  private static boolean is(char c, short cls) {
    return c < 128 && (CLASS[c] & cls) != 0;
  }

  private static boolean isAlnum(char c) {
    return is(c, (short) (ALPHA | DIGIT));
  }

  private static boolean isWordChar(char c) {
    return isAlnum(c) || c == '_';
  }

  // ---------------------------------------------------------------- field names

  /**
   * True if the value of a field (MDC entry, key-value pair, map entry) named {@code key} must be
   * replaced whole: its name is on the deny list (and not on the allow list), or allow-list mode is on
   * and the name is not allowed. Not memoized here: the encoder keeps a bounded cache of decisions.
   */
  public boolean redactsField(String key) {
    if (!enabled) {
      return false;
    }
    boolean isAllowed = false;
    for (char[] a : allowed) {
      if (equalsNormalized(key, a)) {
        isAllowed = true;
        break;
      }
    }
    if (allowListMode) {
      return !isAllowed;
    }
    return !isAllowed && isDenied(key, 0, key.length());
  }

  private boolean isDenied(String s, int from, int to) {
    int k = to - 1;
    while (k >= from && isSeparator(s.charAt(k))) {
      k--;
    }
    if (k < from) {
      return false;
    }
    char last = lower(s.charAt(k));
    int bit = last >= 'a' && last <= 'z' ? 1 << (last - 'a') : 1 << 26;
    if ((deniedLastChars & bit) == 0) {
      return false;
    }
    for (char[] d : denied) {
      if (endsWithNormalized(s, from, to, d)) {
        return true;
      }
    }
    return false;
  }

  private static boolean endsWithNormalized(String s, int from, int to, char[] entry) {
    int k = to - 1;
    for (int e = entry.length - 1; e >= 0; e--) {
      while (k >= from && isSeparator(s.charAt(k))) {
        k--;
      }
      if (k < from || lower(s.charAt(k)) != entry[e]) {
        return false;
      }
      k--;
    }
    return true;
  }

  private static boolean equalsNormalized(String s, char[] entry) {
    int e = 0;
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (isSeparator(c)) {
        continue;
      }
      if (e >= entry.length || lower(c) != entry[e]) {
        return false;
      }
      e++;
    }
    return e == entry.length;
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
    byte[] t = table;
    char[] chars = out.chars();
    int copied = 0;
    long delta = 0; // output position of source index i is i + delta
    int i = 0;
    while (i < n) {
      // Triggers a little past the limit still count: an e-mail's span starts up to LOOKBACK characters
      // before its '@', so its local part can be in view while the '@' is not.
      int lim = (int) Math.min(n, Math.max(0, outputLimit - delta + LOOKBACK));
      if (i >= lim) {
        break;
      }
      if (lim > copied) {
        chars = out.copy(s, copied, lim);
        copied = lim;
      }
      i = skip(t, chars, i, lim);
      if (i >= lim) {
        break;
      }
      char c = chars[i];
      int before = out.size();
      int next = -1;
      switch (c) {
        case '@':
          next = email(s, i, n, out);
          break;
        case ':':
          if (i + 2 < n && s.charAt(i + 1) == '/' && s.charAt(i + 2) == '/') {
            if (urlCredentials) {
              next = urlCredentials(s, i, n, out);
            }
            if (next < 0) {
              next = i + 3;
            }
          } else if (keyValue) {
            next = keyValue(s, i, n, out);
          }
          break;
        case '=':
          next = keyValue(s, i, n, out);
          break;
        case '-':
          if (s.startsWith("-----BEGIN", i)) {
            next = privateKey(s, i, n, out);
          }
          break;
        default:
          if ((CLASS[c] & ALPHA) != 0) {
            next = wordStart(s, i, n, c, out);
          } else {
            next = creditCard(s, i, n, out);
          }
          break;
      }
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

  /**
   * The next index in [i, lim) where a detector may start: a trigger character, or a word-start letter
   * not preceded by a word character. The tight loop every scanned character goes through.
   */
  private static int skip(byte[] t, char[] chars, int i, int lim) {
    int prevWord = i > 0 && chars[i - 1] < 128 ? t[chars[i - 1]] & T_WORD : 0;
    for (; i < lim; i++) {
      char c = chars[i];
      if (c >= 128) {
        prevWord = 0;
        continue;
      }
      int cls = t[c];
      // word start bit counts only when the previous character is not a word character
      if ((cls & (T_ANYWHERE | (T_WORD_START & ~(prevWord << 2)))) != 0) {
        return i;
      }
      prevWord = cls & T_WORD;
    }
    return lim;
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

  /** Bearer / Basic credentials and well-known token formats, at the start of a word. */
  private int wordStart(String s, int i, int n, char c, Spans out) {
    switch (c) {
      case 'B':
      case 'b':
        if (authorization) {
          if (s.regionMatches(true, i, "bearer", 0, 6)) {
            return bearer(s, i + 6, n, out);
          }
          if (s.regionMatches(true, i, "basic", 0, 5)) {
            return basic(s, i + 5, n, out);
          }
        }
        return -1;
      default:
        return tokenFormats ? tokenFormat(s, i, n, c, out) : -1;
    }
  }

  private static int skipBlanks(String s, int i, int n) {
    while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }

  private static int run(String s, int i, int n, short cls) {
    int j = i;
    while (j < n && is(s.charAt(j), cls)) {
      j++;
    }
    return j - i;
  }

  private int bearer(String s, int afterWord, int n, Spans out) {
    int t = skipBlanks(s, afterWord, n);
    if (t == afterWord) {
      return -1;
    }
    int len = run(s, t, n, (short) (ALPHA | DIGIT | TOKEN68_EXTRA));
    if (len >= 16 || (len >= 8 && containsDigit(s, t, t + len))) {
      out.add(t, t + len, CREDENTIAL);
      return t + len;
    }
    return -1;
  }

  private static boolean containsDigit(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        return true;
      }
    }
    return false;
  }

  private int basic(String s, int afterWord, int n, Spans out) {
    int t = skipBlanks(s, afterWord, n);
    if (t == afterWord) {
      return -1;
    }
    int len = run(s, t, n, (short) (ALPHA | DIGIT | B64_EXTRA));
    if (len >= 8 && base64HasColon(s, t, t + len)) {
      out.add(t, t + len, CREDENTIAL);
      return t + len;
    }
    return -1;
  }

  /** True if the base64 text decodes to bytes containing ':' (user:password), without allocating. */
  private static boolean base64HasColon(String s, int from, int to) {
    int bits = 0;
    int acc = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      int v;
      if (c >= 'A' && c <= 'Z') {
        v = c - 'A';
      } else if (c >= 'a' && c <= 'z') {
        v = c - 'a' + 26;
      } else if (c >= '0' && c <= '9') {
        v = c - '0' + 52;
      } else if (c == '+') {
        v = 62;
      } else if (c == '/') {
        v = 63;
      } else {
        break; // '=' padding
      }
      acc = (acc << 6) | v;
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        if (((acc >> bits) & 0xff) == ':') {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * A token format recognized by its prefix and at least {@code minRun} characters of class
   * {@code cls} after it. Formats with more structure (AWS key ids, SendGrid keys, JWTs) have their own
   * methods.
   */
  private static final class PrefixedToken {
    final String prefix;
    final int minRun;
    final short cls;

    PrefixedToken(String prefix, int minRun, int cls) {
      this.prefix = prefix;
      this.minRun = minRun;
      this.cls = (short) cls;
    }
  }

  private static final int ALNUM = ALPHA | DIGIT;
  private static final int B64URL = ALNUM | B64URL_EXTRA;

  private static final List<PrefixedToken> PREFIXED_TOKENS = List.of(
      new PrefixedToken("AIza", 35, B64URL), // Google API key
      new PrefixedToken("github_pat_", 22, ALNUM | KEY_EXTRA),
      new PrefixedToken("ghp_", 36, ALNUM), // GitHub: personal, OAuth, user-to-server, server, refresh
      new PrefixedToken("gho_", 36, ALNUM),
      new PrefixedToken("ghu_", 36, ALNUM),
      new PrefixedToken("ghs_", 36, ALNUM),
      new PrefixedToken("ghr_", 36, ALNUM),
      new PrefixedToken("glpat-", 20, B64URL), // GitLab
      new PrefixedToken("xoxa-", 10, B64URL), // Slack
      new PrefixedToken("xoxb-", 10, B64URL),
      new PrefixedToken("xoxp-", 10, B64URL),
      new PrefixedToken("xoxr-", 10, B64URL),
      new PrefixedToken("xoxs-", 10, B64URL),
      new PrefixedToken("xoxe-", 10, B64URL),
      new PrefixedToken("sk_live_", 16, ALNUM), // Stripe secret and restricted keys
      new PrefixedToken("sk_test_", 16, ALNUM),
      new PrefixedToken("rk_live_", 16, ALNUM),
      new PrefixedToken("rk_test_", 16, ALNUM),
      new PrefixedToken("sk-", 20, B64URL), // OpenAI, Anthropic
      new PrefixedToken("npm_", 36, ALNUM),
      new PrefixedToken("hf_", 30, ALNUM)); // Hugging Face

  /** The prefixed formats by first character. */
  private static final PrefixedToken[][] PREFIXED_BY_FIRST = new PrefixedToken[128][];

  /** First characters of every token format: the letters where the scan must stop at a word start. */
  private static final String TOKEN_FIRST_CHARS;

  static {
    StringBuilder firsts = new StringBuilder("AeS"); // AKIA/ASIA, eyJ, SG.
    for (PrefixedToken t : PREFIXED_TOKENS) {
      char c = t.prefix.charAt(0);
      PrefixedToken[] old = PREFIXED_BY_FIRST[c] == null ? new PrefixedToken[0] : PREFIXED_BY_FIRST[c];
      PREFIXED_BY_FIRST[c] = Arrays.copyOf(old, old.length + 1);
      PREFIXED_BY_FIRST[c][old.length] = t;
      if (firsts.indexOf(String.valueOf(c)) < 0) {
        firsts.append(c);
      }
    }
    TOKEN_FIRST_CHARS = firsts.toString();
  }

  /** After the tables above, which building a redactor reads. */
  private static final Redactor DISABLED = new Redactor();

  private static int tokenFormat(String s, int i, int n, char c, Spans out) {
    switch (c) {
      case 'A':
        if (s.startsWith("AKIA", i) || s.startsWith("ASIA", i)) {
          // AWS access key id: exactly 16 upper-case letters or digits after the prefix.
          int len = run(s, i + 4, n, (short) (UPPER | DIGIT));
          if (len == 16 && (i + 20 >= n || !isAlnum(s.charAt(i + 20)))) {
            out.add(i, i + 20, CREDENTIAL);
            return i + 20;
          }
          return -1;
        }
        break;
      case 'e':
        return s.startsWith("eyJ", i) ? jwt(s, i, n, out) : -1;
      case 'S':
        return s.startsWith("SG.", i) ? sendGrid(s, i, n, out) : -1;
      default:
        break;
    }
    PrefixedToken[] candidates = c < 128 ? PREFIXED_BY_FIRST[c] : null;
    if (candidates == null) {
      return -1;
    }
    for (PrefixedToken t : candidates) {
      if (s.startsWith(t.prefix, i)) {
        int from = i + t.prefix.length();
        int len = run(s, from, n, t.cls);
        if (len < t.minRun) {
          return -1;
        }
        out.add(i, from + len, CREDENTIAL);
        return from + len;
      }
    }
    return -1;
  }

  /** A SendGrid API key: {@code SG.} and two base64url segments of at least 16 characters. */
  private static int sendGrid(String s, int i, int n, Spans out) {
    short cls = (short) B64URL;
    int a = run(s, i + 3, n, cls);
    int dot = i + 3 + a;
    if (a >= 16 && dot < n && s.charAt(dot) == '.') {
      int b = run(s, dot + 1, n, cls);
      if (b >= 16) {
        out.add(i, dot + 1 + b, CREDENTIAL);
        return dot + 1 + b;
      }
    }
    return -1;
  }

  /** A JSON Web Token: three base64url segments, the first two starting with "eyJ" ({"). */
  private static int jwt(String s, int i, int n, Spans out) {
    short cls = ALPHA | DIGIT | B64URL_EXTRA;
    int a = run(s, i, n, cls);
    int dot1 = i + a;
    if (a < 10 || dot1 >= n || s.charAt(dot1) != '.') {
      return -1;
    }
    int b = run(s, dot1 + 1, n, cls);
    int dot2 = dot1 + 1 + b;
    if (b < 10 || dot2 >= n || s.charAt(dot2) != '.') {
      return -1;
    }
    int c = run(s, dot2 + 1, n, cls);
    int end = dot2 + 1 + c;
    out.add(i, end, CREDENTIAL);
    return end;
  }

  /** {@code scheme://user:password@host}: the password is redacted, the user and host stay. */
  private static int urlCredentials(String s, int i, int n, Spans out) {
    if (i == 0 || !isAlnum(s.charAt(i - 1))) {
      return -1;
    }
    int a = i + 3;
    int e = a;
    int at = -1;
    while (e < n) {
      char c = s.charAt(e);
      if (c == '/' || c == '?' || c == '#' || c <= ' ' || c == '"' || c == '\'' || c == '<' || c == '>'
          || c == '`' || c == '\\' || c == 0x7f) {
        break;
      }
      if (c == '@') {
        at = e;
      }
      e++;
    }
    if (at < 0) {
      return -1;
    }
    int colon = -1;
    for (int k = a; k < at; k++) {
      if (s.charAt(k) == ':') {
        colon = k;
        break;
      }
    }
    if (colon >= 0 && colon + 1 < at) {
      out.add(colon + 1, at, CREDENTIAL);
    }
    return at + 1;
  }

  /** {@code password=x}, {@code "token": "x"}, {@code Authorization: Bearer x}: by the key's name. */
  private int keyValue(String s, int sep, int n, Spans out) {
    int j = sep - 1;
    while (j >= 0 && (s.charAt(j) == ' ' || s.charAt(j) == '\t') && sep - j < 4) {
      j--;
    }
    if (j >= 0 && (s.charAt(j) == '"' || s.charAt(j) == '\'')) {
      j--;
    }
    int keyEnd = j + 1;
    int floor = Math.max(out.lastEnd(), keyEnd - MAX_KEY_CHARS);
    while (j >= floor && is(s.charAt(j), (short) (ALPHA | DIGIT | KEY_EXTRA))) {
      j--;
    }
    int keyStart = j + 1;
    if (keyStart >= keyEnd || !isDenied(s, keyStart, keyEnd)) {
      return -1;
    }
    int v = skipBlanks(s, sep + 1, n);
    if (v >= n) {
      return -1;
    }
    char q = s.charAt(v);
    int start;
    int end;
    if (q == '"' || q == '\'') {
      start = v + 1;
      end = start;
      while (end < n && s.charAt(end) != q) {
        end += s.charAt(end) == '\\' ? 2 : 1;
      }
      end = Math.min(end, n); // no closing quote: fail closed, redact to the end
    } else {
      start = v;
      int word = run(s, v, n, ALPHA);
      if (word > 0 && v + word < n && s.charAt(v + word) == ' ' && isAuthScheme(s, v, v + word)) {
        start = skipBlanks(s, v + word, n);
      }
      end = unquotedValueEnd(s, start, n);
    }
    if (end <= start) {
      return -1;
    }
    out.add(start, end, CREDENTIAL);
    return end;
  }

  /**
   * Where an unquoted secret starting at {@code start} ends: at a blank, a quote or a closing bracket;
   * at {@code , ; &} only when another pair follows ({@code ;user=bob}, {@code &b=2}, {@code , b=2}),
   * since those characters are common inside passwords and cutting there would leak the tail
   * ({@code p@ss;w0rd}). A delimiter followed by anything else is kept in the secret: redacting one
   * character too many is the safe side.
   */
  private static int unquotedValueEnd(String s, int start, int n) {
    int end = start;
    while (end < n) {
      char c = s.charAt(end);
      if (is(c, VALUE_END) && (!is(c, SOFT_VALUE_END) || pairFollows(s, end + 1, n))) {
        break;
      }
      end++;
    }
    return end;
  }

  /** A {@code key=} or {@code key: } at {@code i}, after optional blanks. */
  private static boolean pairFollows(String s, int i, int n) {
    int k = skipBlanks(s, i, n);
    int key = run(s, k, n, (short) (ALPHA | DIGIT | KEY_EXTRA));
    if (key == 0 || key > MAX_KEY_CHARS) {
      return false;
    }
    int sep = k + key;
    if (sep >= n) {
      return false;
    }
    char c = s.charAt(sep);
    return c == '=' || (c == ':' && sep + 1 < n && (s.charAt(sep + 1) == ' ' || s.charAt(sep + 1) == '\t'));
  }

  private static boolean isAuthScheme(String s, int from, int to) {
    for (String scheme : AUTH_SCHEMES) {
      if (scheme.length() == to - from && s.regionMatches(true, from, scheme, 0, scheme.length())) {
        return true;
      }
    }
    return false;
  }

  /** A PEM private key block from its BEGIN line to the end of its END line (or of the text). */
  private static int privateKey(String s, int i, int n, Spans out) {
    int headerEnd = s.indexOf("-----", i + 10);
    if (headerEnd < 0 || headerEnd - i > 80) {
      return -1;
    }
    if (!s.regionMatches(headerEnd - 11, "PRIVATE KEY", 0, 11)
        && !s.regionMatches(headerEnd - 17, "PRIVATE KEY BLOCK", 0, 17)) {
      return -1;
    }
    int endMarker = s.indexOf("-----END", headerEnd + 5);
    int end = n;
    if (endMarker >= 0) {
      int close = s.indexOf("-----", endMarker + 8);
      end = close >= 0 ? close + 5 : n;
    }
    out.add(i, end, CREDENTIAL);
    return end;
  }

  /** local@domain.tld, the local part scanned backwards from the '@'. */
  private static int email(String s, int at, int n, Spans out) {
    int floor = Math.max(out.lastEnd(), at - LOOKBACK);
    int j = at;
    while (j > floor && is(s.charAt(j - 1), (short) (ALPHA | DIGIT | EMAIL_EXTRA))) {
      j--;
    }
    while (j < at && s.charAt(j) == '.') {
      j++;
    }
    if (j == at) {
      return -1;
    }
    int k = at + 1;
    int labels = 0;
    int lastLabelStart = -1;
    int lastLabelEnd = -1;
    while (k < n && k - at <= 255) {
      int len = run(s, k, n, (short) (ALPHA | DIGIT | B64URL_EXTRA));
      if (len == 0) {
        break;
      }
      labels++;
      lastLabelStart = k;
      lastLabelEnd = k + len;
      k += len;
      if (k + 1 < n && s.charAt(k) == '.' && isAlnum(s.charAt(k + 1))) {
        k++;
      } else {
        break;
      }
    }
    if (labels < 2 || lastLabelEnd - lastLabelStart < 2 || run(s, lastLabelStart, lastLabelEnd, ALPHA)
        != lastLabelEnd - lastLabelStart) {
      return -1;
    }
    out.add(j, lastLabelEnd, PII);
    return lastLabelEnd;
  }

  /** 13 to 19 digits, optionally grouped by single spaces or dashes, passing the Luhn check. */
  private static int creditCard(String s, int i, int n, Spans out) {
    int digits = 0;
    // Luhn doubles every second digit from the right; the count is known only at the end, so keep
    // both candidate sums (doubling even or odd positions from the left).
    int sumDoubleEven = 0;
    int sumDoubleOdd = 0;
    int k = i;
    int lastDigitEnd = i;
    while (k < n) {
      char c = s.charAt(k);
      if (c >= '0' && c <= '9') {
        if (digits == 19) {
          return -1;
        }
        int v = c - '0';
        int doubled = v * 2 > 9 ? v * 2 - 9 : v * 2;
        if ((digits & 1) == 0) {
          sumDoubleEven += doubled;
          sumDoubleOdd += v;
        } else {
          sumDoubleEven += v;
          sumDoubleOdd += doubled;
        }
        digits++;
        k++;
        lastDigitEnd = k;
      } else if ((c == ' ' || c == '-') && k > i && k + 1 < n && s.charAt(k + 1) >= '0'
          && s.charAt(k + 1) <= '9') {
        k++;
      } else {
        break;
      }
    }
    if (digits < 13 || (lastDigitEnd < n && isAlnum(s.charAt(lastDigitEnd)))) {
      return -1;
    }
    // The rightmost digit (index digits-1) is not doubled: doubled indexes have the other parity.
    int sum = ((digits - 1) & 1) == 1 ? sumDoubleEven : sumDoubleOdd;
    if (sum % 10 != 0) {
      return -1;
    }
    out.add(i, lastDigitEnd, PII);
    return lastDigitEnd;
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
        ? "Redactor{mode=" + (allowListMode ? "allow-list" : "deny-list") + ", denied="
            + Arrays.deepToString(denied) + "}"
        : "Redactor{disabled}";
  }
}
