package com.englog.observability.logging.internal.redaction;

import static com.englog.observability.logging.internal.redaction.Chars.ALNUM;
import static com.englog.observability.logging.internal.redaction.Chars.B64URL;
import static com.englog.observability.logging.internal.redaction.Chars.DIGIT;
import static com.englog.observability.logging.internal.redaction.Chars.KEY_EXTRA;
import static com.englog.observability.logging.internal.redaction.Chars.UPPER;
import static com.englog.observability.logging.internal.redaction.Chars.run;

import com.englog.observability.logging.RedactionDetector;
import com.englog.observability.logging.internal.Redactor;
import com.englog.observability.logging.internal.Spans;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Well-known token formats at the start of a word: cloud access keys, source-host and API tokens,
 * JWTs. Its first characters are those of the formats below, collected when it is built.
 */
final class TokenFormatsDetector extends Detector {

  /**
   * A token format recognized by its prefix and at least {@code minRun} characters of class
   * {@code cls} after it. Formats with more structure have their own entries in {@link #STRUCTURED}.
   */
  private record PrefixedToken(String prefix, int minRun, int cls) {}

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

  /** Prefixes of the formats {@link #scan} handles itself: AWS access key ids, JWTs, SendGrid keys. */
  private static final List<String> STRUCTURED = List.of("AKIA", "ASIA", "eyJ", "SG.");

  /** The prefixed formats by first character; built per instance, so no static order matters. */
  private final PrefixedToken[][] byFirst;

  TokenFormatsDetector() {
    super(RedactionDetector.TOKEN_FORMATS, prefixFirstChars(), true);
    byFirst = new PrefixedToken[128][];
    for (PrefixedToken t : PREFIXED_TOKENS) {
      char c = t.prefix.charAt(0);
      PrefixedToken[] old = byFirst[c] == null ? new PrefixedToken[0] : byFirst[c];
      byFirst[c] = Arrays.copyOf(old, old.length + 1);
      byFirst[c][old.length] = t;
    }
  }

  /** Every prefix, structured formats first. */
  private static List<String> prefixes() {
    List<String> all = new ArrayList<>(STRUCTURED);
    for (PrefixedToken t : PREFIXED_TOKENS) {
      all.add(t.prefix);
    }
    return all;
  }

  private static String prefixFirstChars() {
    return charsAt(0, (char) 0);
  }

  /** The characters at {@code index} of the prefixes (starting with {@code first} unless index 0). */
  private static String charsAt(int index, char first) {
    StringBuilder chars = new StringBuilder();
    for (String p : prefixes()) {
      String c = p.substring(index, index + 1);
      if ((index == 0 || p.charAt(0) == first) && chars.indexOf(c) < 0) {
        chars.append(c);
      }
    }
    return chars.toString();
  }

  @Override
  String secondChars(char first) {
    return charsAt(1, first);
  }

  @Override
  public int scan(String s, int i, int n, Spans out) {
    char c = s.charAt(i);
    switch (c) {
      case 'A':
        if (s.startsWith("AKIA", i) || s.startsWith("ASIA", i)) {
          // AWS access key id: exactly 16 upper-case letters or digits after the prefix.
          int len = run(s, i + 4, n, UPPER | DIGIT);
          if (len == 16 && (i + 20 >= n || !Chars.isAlnum(s.charAt(i + 20)))) {
            out.add(i, i + 20, Redactor.CREDENTIAL);
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
    PrefixedToken[] candidates = c < 128 ? byFirst[c] : null;
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
        out.add(i, from + len, Redactor.CREDENTIAL);
        return from + len;
      }
    }
    return -1;
  }

  /** A SendGrid API key: {@code SG.} and two base64url segments of at least 16 characters. */
  private static int sendGrid(String s, int i, int n, Spans out) {
    int a = run(s, i + 3, n, B64URL);
    int dot = i + 3 + a;
    if (a >= 16 && dot < n && s.charAt(dot) == '.') {
      int b = run(s, dot + 1, n, B64URL);
      if (b >= 16) {
        out.add(i, dot + 1 + b, Redactor.CREDENTIAL);
        return dot + 1 + b;
      }
    }
    return -1;
  }

  /** A JSON Web Token: three base64url segments, the first two starting with "eyJ" ({"). */
  private static int jwt(String s, int i, int n, Spans out) {
    int a = run(s, i, n, B64URL);
    int dot1 = i + a;
    if (a < 10 || dot1 >= n || s.charAt(dot1) != '.') {
      return -1;
    }
    int b = run(s, dot1 + 1, n, B64URL);
    int dot2 = dot1 + 1 + b;
    if (b < 10 || dot2 >= n || s.charAt(dot2) != '.') {
      return -1;
    }
    int c = run(s, dot2 + 1, n, B64URL);
    int end = dot2 + 1 + c;
    out.add(i, end, Redactor.CREDENTIAL);
    return end;
  }
}
