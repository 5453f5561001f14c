package com.englog.observability.logging.internal.redaction;

import com.englog.observability.logging.RedactionDetector;
import com.englog.observability.logging.internal.Spans;
import java.util.Arrays;
import java.util.Set;

/**
 * The dispatch table of the redaction scan, built from what the enabled detectors declare: for each
 * ASCII character, whether a detector can start there (anywhere, or only at the start of a word) and
 * which detectors to call, in {@link RedactionDetector} order. Nothing here is hard-coded per
 * detector, so a new detector only declares its first characters. Immutable and thread-safe.
 *
 * <p>Built per redactor from instance state only: no static table of this class or of a detector is
 * read while another is still being initialized, whatever order the classes are loaded in.
 */
public final class DetectorTable {

  private static final byte T_WORD = 1; // letter, digit or '_': part of a word
  private static final byte T_ANYWHERE = 2; // a detector may start here whatever precedes
  private static final byte T_WORD_START = 4; // a detector may start here at the start of a word
  private static final Detector[] NONE = new Detector[0];

  private final byte[] table = new byte[128];
  private final Detector[][] byChar = new Detector[128][];

  /** The table of the detectors named in {@code on}; key-value looks key names up in {@code names}. */
  public DetectorTable(Set<RedactionDetector> on, FieldNames names) {
    Arrays.fill(byChar, NONE);
    for (int c = 0; c < 128; c++) {
      if (Chars.isWordChar((char) c)) {
        table[c] |= T_WORD;
      }
    }
    for (RedactionDetector name : RedactionDetector.values()) {
      if (on.contains(name)) {
        add(Detector.create(name, names));
      }
    }
  }

  private void add(Detector d) {
    String firsts = d.firstChars();
    for (int k = 0; k < firsts.length(); k++) {
      char c = firsts.charAt(k);
      table[c] |= d.wordStart() ? T_WORD_START : T_ANYWHERE;
      Detector[] old = byChar[c];
      if (!Arrays.asList(old).contains(d)) {
        byChar[c] = Arrays.copyOf(old, old.length + 1);
        byChar[c][old.length] = d;
      }
    }
  }

  /** The detectors called at character {@code c}, in call order. */
  public Detector[] candidates(char c) {
    return c < 128 ? byChar[c].clone() : NONE;
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
   * Calls the detectors of {@code s[i]} (an index {@link #skip} returned) in order until one claims
   * the position; word-start detectors only if {@code s[i - 1]} is not a word character.
   *
   * @return where the scan goes on, or -1 if no detector matched
   */
  public int scanAt(String s, int i, int n, Spans out) {
    char c = s.charAt(i);
    if (c >= 128) {
      return -1;
    }
    boolean atWordStart = i == 0 || !Chars.isWordChar(s.charAt(i - 1));
    for (Detector d : byChar[c]) {
      if (d.wordStart() && !atWordStart) {
        continue;
      }
      int next = d.scan(s, i, n, out);
      if (next >= 0) {
        return next;
      }
    }
    return -1;
  }
}
