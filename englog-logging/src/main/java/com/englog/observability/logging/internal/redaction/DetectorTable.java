package com.englog.observability.logging.internal.redaction;

import com.englog.observability.logging.RedactionDetector;
import com.englog.observability.logging.internal.Spans;
import java.util.Arrays;
import java.util.Set;

/**
 * The dispatch table of the redaction scan, built from what the enabled detectors declare: for each
 * ASCII character, whether a detector can start there (anywhere, or only at the start of a word), and
 * for each pair of a first and a second character, which detectors to call, in {@link
 * RedactionDetector} order. Nothing here is hard-coded per detector but the call itself, so a new
 * detector declares its first and second characters and gets its case in {@link #call} (a switch over
 * the enum that does not compile without it). Immutable and thread-safe.
 *
 * <p>Two look-ups decide almost every position: {@link #skip} passes, one table read per character,
 * over characters no detector starts on; at a character some detector does start on, the pair table
 * drops the detectors that cannot go on with the next character ({@code e} not followed by {@code y}
 * is no JWT), so most word starts of ordinary text call nothing. The detectors that remain are called
 * through a switch over their names on fields of their own final classes: a direct call the compiler
 * can inline, not a virtual call through an array of detectors.
 *
 * <p>Built per redactor from instance state only: no static table of this class or of a detector is
 * read while another is still being initialized, whatever order the classes are loaded in.
 */
public final class DetectorTable {

  private static final byte T_WORD = 1; // letter, digit or '_': part of a word
  private static final byte T_ANYWHERE = 2; // a detector may start here whatever precedes
  private static final byte T_WORD_START = 4; // a detector may start here at the start of a word
  private static final RedactionDetector[] NAMES = RedactionDetector.values();
  /** The column of the pair table for a non-ASCII second character or the end of the text. */
  private static final int OTHER = 128;

  private final byte[] table = new byte[128];
  /**
   * By first character (null where no detector starts), then by second character (ASCII, or {@link
   * #OTHER}): the detectors to call, one bit per {@link RedactionDetector} ordinal.
   */
  private final short[][] pairs = new short[128][];
  /** The detectors that start only at the start of a word, one bit per ordinal. */
  private short wordStartOnly;

  private final AuthorizationDetector authorization;
  private final UrlCredentialsDetector urlCredentials;
  private final KeyValueDetector keyValue;
  private final TokenFormatsDetector tokenFormats;
  private final PrivateKeyDetector privateKey;
  private final EmailDetector email;
  private final CreditCardDetector creditCard;

  /** The table of the detectors named in {@code on}; key-value looks key names up in {@code names}. */
  public DetectorTable(Set<RedactionDetector> on, FieldNames names) {
    if (NAMES.length > Short.SIZE) {
      throw new IllegalStateException("more detectors than bits in a pair table entry");
    }
    for (int c = 0; c < 128; c++) {
      if (Chars.isWordChar((char) c)) {
        table[c] |= T_WORD;
      }
    }
    Detector[] byName = new Detector[NAMES.length];
    for (RedactionDetector name : NAMES) {
      if (on.contains(name)) {
        byName[name.ordinal()] = add(Detector.create(name, names));
      }
    }
    authorization = (AuthorizationDetector) byName[RedactionDetector.AUTHORIZATION.ordinal()];
    urlCredentials = (UrlCredentialsDetector) byName[RedactionDetector.URL_CREDENTIALS.ordinal()];
    keyValue = (KeyValueDetector) byName[RedactionDetector.KEY_VALUE.ordinal()];
    tokenFormats = (TokenFormatsDetector) byName[RedactionDetector.TOKEN_FORMATS.ordinal()];
    privateKey = (PrivateKeyDetector) byName[RedactionDetector.PRIVATE_KEY.ordinal()];
    email = (EmailDetector) byName[RedactionDetector.EMAIL.ordinal()];
    creditCard = (CreditCardDetector) byName[RedactionDetector.CREDIT_CARD.ordinal()];
  }

  private Detector add(Detector d) {
    short bit = (short) (1 << d.name().ordinal());
    if (d.wordStart()) {
      wordStartOnly |= bit;
    }
    String firsts = d.firstChars();
    for (int k = 0; k < firsts.length(); k++) {
      char c = firsts.charAt(k);
      table[c] |= d.wordStart() ? T_WORD_START : T_ANYWHERE;
      if (pairs[c] == null) {
        pairs[c] = new short[OTHER + 1];
      }
      String seconds = d.secondChars(c);
      for (int second = 0; second <= OTHER; second++) {
        if (seconds == null || (second < OTHER && seconds.indexOf(second) >= 0)) {
          pairs[c][second] |= bit;
        }
      }
    }
    return d;
  }

  /** The detectors that may be called at character {@code c}, whatever follows it, in call order. */
  public Detector[] candidates(char c) {
    if (c >= 128 || pairs[c] == null) {
      return new Detector[0];
    }
    int any = 0;
    for (short m : pairs[c]) {
      any |= m;
    }
    return detectors(any);
  }

  /** The detectors called at {@code c} followed by {@code next} (-1: the end of the text), in call order. */
  Detector[] candidates(char c, int next) {
    if (c >= 128 || pairs[c] == null) {
      return new Detector[0];
    }
    return detectors(pairs[c][next >= 0 && next < OTHER ? next : OTHER]);
  }

  private Detector[] detectors(int mask) {
    Detector[] all = {authorization, urlCredentials, keyValue, tokenFormats, privateKey, email, creditCard};
    return Arrays.stream(all).filter(d -> d != null && (mask & (1 << d.name().ordinal())) != 0)
        .toArray(Detector[]::new);
  }

  /**
   * The next index in [i, lim) where a detector may start: a character some detector can start on
   * anywhere, or one it can start on at a word start not preceded by a word character. The tight
   * loop every scanned character goes through.
   */
  public int skip(char[] chars, int i, int lim) {
    byte[] t = table;
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

  /**
   * Calls the detectors of {@code s[i]} (an index {@link #skip} returned) that may go on with {@code
   * s[i + 1]}, in order, until one claims the position; word-start detectors only if {@code s[i - 1]}
   * is not a word character.
   *
   * @return where the scan goes on, or -1 if no detector matched
   */
  public int scanAt(String s, int i, int n, Spans out) {
    char c = s.charAt(i);
    short[] row = c < 128 ? pairs[c] : null;
    if (row == null) {
      return -1;
    }
    char next = i + 1 < n ? s.charAt(i + 1) : (char) OTHER;
    int mask = row[next < OTHER ? next : OTHER] & 0xffff;
    if (mask != 0 && i > 0 && Chars.isWordChar(s.charAt(i - 1))) {
      mask &= ~wordStartOnly;
    }
    while (mask != 0) {
      int id = Integer.numberOfTrailingZeros(mask);
      mask &= mask - 1;
      int end = call(NAMES[id], s, i, n, out);
      if (end >= 0) {
        return end;
      }
    }
    return -1;
  }

  private int call(RedactionDetector name, String s, int i, int n, Spans out) {
    return switch (name) {
      case AUTHORIZATION -> authorization.scan(s, i, n, out);
      case URL_CREDENTIALS -> urlCredentials.scan(s, i, n, out);
      case KEY_VALUE -> keyValue.scan(s, i, n, out);
      case TOKEN_FORMATS -> tokenFormats.scan(s, i, n, out);
      case PRIVATE_KEY -> privateKey.scan(s, i, n, out);
      case EMAIL -> email.scan(s, i, n, out);
      case CREDIT_CARD -> creditCard.scan(s, i, n, out);
    };
  }
}
