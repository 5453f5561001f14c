package com.englog.observability.logging.internal.redaction;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The field-name deny and allow lists: which MDC / key-value fields are replaced whole, and which keys
 * of {@code key=value} text name a secret. A name matches a deny entry when, lower-cased and with
 * {@code - _ .} and spaces removed, it ends with the entry. Immutable and thread-safe.
 */
public final class FieldNames {

  private final boolean allowListMode;
  private final char[][] denied;
  private final int deniedLastChars; // bit per 'a'..'z' of the last character of a deny entry
  private final char[][] allowed;

  public FieldNames(List<String> denied, List<String> allowed, boolean allowListMode) {
    this.allowListMode = allowListMode;
    this.denied = normalizedNames(denied);
    int mask = 0;
    for (char[] d : this.denied) {
      char last = d[d.length - 1];
      mask |= last >= 'a' && last <= 'z' ? 1 << (last - 'a') : 1 << 26;
    }
    this.deniedLastChars = mask;
    this.allowed = normalizedNames(allowed);
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

  /** Lower-case ASCII and drop the separators {@code - _ .} and spaces. */
  public static String normalize(String name) {
    StringBuilder sb = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (!Chars.isSeparator(c)) {
        sb.append(Chars.lower(c));
      }
    }
    return sb.toString();
  }

  public boolean allowListMode() {
    return allowListMode;
  }

  /**
   * True if the value of a field named {@code key} must be replaced whole: its name is on the deny
   * list (and not on the allow list), or allow-list mode is on and the name is not allowed.
   */
  public boolean redactsField(String key) {
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

  /** True if {@code s[from, to)} ends with a deny-list entry. */
  boolean isDenied(String s, int from, int to) {
    int k = to - 1;
    while (k >= from && Chars.isSeparator(s.charAt(k))) {
      k--;
    }
    if (k < from) {
      return false;
    }
    char last = Chars.lower(s.charAt(k));
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
      while (k >= from && Chars.isSeparator(s.charAt(k))) {
        k--;
      }
      if (k < from || Chars.lower(s.charAt(k)) != entry[e]) {
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
      if (Chars.isSeparator(c)) {
        continue;
      }
      if (e >= entry.length || Chars.lower(c) != entry[e]) {
        return false;
      }
      e++;
    }
    return e == entry.length;
  }

  @Override
  public String toString() {
    return Arrays.deepToString(denied);
  }
}
