package com.englog.observability.servlet;

import jakarta.servlet.http.HttpServletRequest;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;

/**
 * The client's address: {@code getRemoteAddr()}, unless the peer is a trusted proxy; then the nearest
 * address in {@code Forwarded} ({@code for=}) or, without it, {@code X-Forwarded-For} that is not itself a
 * trusted proxy, read from the right (the entries a client wrote itself are on the left and are never
 * believed past an untrusted hop). Trusted proxies are IP literals or CIDR ranges; nothing is resolved.
 */
final class ClientAddresses {

  static final ClientAddresses NONE = new ClientAddresses(List.of());

  private final byte[][] networks;
  private final int[] prefixBits;

  private ClientAddresses(List<String> trusted) {
    networks = new byte[trusted.size()][];
    prefixBits = new int[trusted.size()];
    for (int i = 0; i < trusted.size(); i++) {
      String t = trusted.get(i).strip();
      int slash = t.indexOf('/');
      String address = slash < 0 ? t : t.substring(0, slash);
      byte[] bytes = literal(address);
      if (bytes == null) {
        throw new IllegalArgumentException("trusted proxy " + t + " is not an IP address or CIDR range"
            + " (host names are not resolved)");
      }
      int bits = bytes.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(t.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > bytes.length * 8) {
          throw new IllegalArgumentException("trusted proxy " + t + ": prefix length must be 0 to "
              + bytes.length * 8);
        }
      }
      networks[i] = bytes;
      prefixBits[i] = bits;
    }
  }

  static ClientAddresses trusting(List<String> proxies) {
    return proxies.isEmpty() ? NONE : new ClientAddresses(proxies);
  }

  /** The client address of {@code request}. */
  String clientAddress(HttpServletRequest request) {
    String peer = request.getRemoteAddr();
    if (networks.length == 0 || !isTrusted(peer)) {
      return peer;
    }
    List<String> hops = forwardedFor(request);
    if (hops.isEmpty()) {
      hops = headerList(request, "X-Forwarded-For");
    }
    for (int i = hops.size() - 1; i >= 0; i--) {
      String hop = hops.get(i);
      if (literal(hop) == null) {
        return peer; // an obfuscated or garbled hop: believe nothing beyond the proxy we trust
      }
      if (!isTrusted(hop) || i == 0) {
        return hop;
      }
    }
    return peer;
  }

  boolean isTrusted(String address) {
    byte[] a = literal(address);
    if (a == null) {
      return false;
    }
    for (int i = 0; i < networks.length; i++) {
      if (networks[i].length == a.length && samePrefix(networks[i], a, prefixBits[i])) {
        return true;
      }
    }
    return false;
  }

  private static boolean samePrefix(byte[] network, byte[] address, int bits) {
    int full = bits / 8;
    for (int i = 0; i < full; i++) {
      if (network[i] != address[i]) {
        return false;
      }
    }
    int rest = bits % 8;
    if (rest == 0) {
      return true;
    }
    int mask = 0xff << (8 - rest) & 0xff;
    return (network[full] & mask) == (address[full] & mask);
  }

  /** The bytes of an IPv4 or IPv6 literal, or null for anything else (never a DNS lookup). */
  static byte[] literal(String s) {
    if (s == null || s.isEmpty() || s.length() > 45) {
      return null;
    }
    boolean v6 = s.indexOf(':') >= 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = c >= '0' && c <= '9' || c == '.' || v6 && (c == ':' || c >= 'a' && c <= 'f'
          || c >= 'A' && c <= 'F');
      if (!ok) {
        return null;
      }
    }
    if (!v6 && s.chars().filter(c -> c == '.').count() != 3) {
      return null;
    }
    try {
      return InetAddress.getByName(s).getAddress(); // a literal: parsed, not resolved
    } catch (UnknownHostException e) {
      return null;
    }
  }

  /** The {@code for=} values of every {@code Forwarded} element, left to right, unquoted, without port. */
  private static List<String> forwardedFor(HttpServletRequest request) {
    List<String> out = new ArrayList<>();
    Enumeration<String> lines = request.getHeaders("Forwarded");
    while (lines != null && lines.hasMoreElements()) {
      for (String element : lines.nextElement().split(",")) {
        for (String pair : element.split(";")) {
          String p = pair.strip();
          if (p.length() > 4 && p.regionMatches(true, 0, "for=", 0, 4)) {
            out.add(stripPort(unquote(p.substring(4).strip())));
          }
        }
      }
    }
    return out;
  }

  private static List<String> headerList(HttpServletRequest request, String name) {
    List<String> out = new ArrayList<>();
    Enumeration<String> lines = request.getHeaders(name);
    while (lines != null && lines.hasMoreElements()) {
      for (String hop : lines.nextElement().split(",")) {
        String h = hop.strip();
        if (!h.isEmpty()) {
          out.add(stripPort(h));
        }
      }
    }
    return out;
  }

  private static String unquote(String s) {
    return s.length() >= 2 && s.charAt(0) == '"' && s.charAt(s.length() - 1) == '"'
        ? s.substring(1, s.length() - 1) : s;
  }

  /** {@code [2001:db8::1]:443} → {@code 2001:db8::1}; {@code 192.0.2.1:80} → {@code 192.0.2.1}. */
  private static String stripPort(String s) {
    if (s.startsWith("[")) {
      int end = s.indexOf(']');
      return end > 0 ? s.substring(1, end) : s;
    }
    int colon = s.indexOf(':');
    if (colon > 0 && s.indexOf(':', colon + 1) < 0) {
      return s.substring(0, colon);
    }
    return s.toLowerCase(Locale.ROOT);
  }
}
