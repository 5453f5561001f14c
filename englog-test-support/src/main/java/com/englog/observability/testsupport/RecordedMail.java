package com.englog.observability.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/** One message as a {@link SmtpRecorder} received it: envelope, credentials and the raw data. */
public final class RecordedMail {

  private final String helo;
  private final String authUser;
  private final String authPassword;
  private final String from;
  private final List<String> recipients;
  private final String data;

  RecordedMail(String helo, String authUser, String authPassword, String from,
      List<String> recipients, String data) {
    this.helo = helo;
    this.authUser = authUser;
    this.authPassword = authPassword;
    this.from = from;
    this.recipients = List.copyOf(recipients);
    this.data = data;
  }

  /** The name the client gave in EHLO/HELO. */
  public String helo() {
    return helo;
  }

  /** The user of AUTH PLAIN/LOGIN, or null when the client did not authenticate. */
  public String authUser() {
    return authUser;
  }

  public String authPassword() {
    return authPassword;
  }

  /** The envelope sender (MAIL FROM). */
  public String from() {
    return from;
  }

  /** The envelope recipients (RCPT TO). */
  public List<String> recipients() {
    return recipients;
  }

  /** The message as sent after DATA (headers and body, CRLF line ends, dot-stuffing removed). */
  public String data() {
    return data;
  }

  /** The first header named {@code name} (any case), unfolded, or null. */
  public String header(String name) {
    String prefix = name.toLowerCase(Locale.ROOT) + ":";
    String[] lines = data.split("\r\n", -1);
    for (int i = 0; i < lines.length && !lines[i].isEmpty(); i++) {
      if (lines[i].toLowerCase(Locale.ROOT).startsWith(prefix)) {
        StringBuilder value = new StringBuilder(lines[i].substring(prefix.length()).trim());
        while (i + 1 < lines.length && (lines[i + 1].startsWith(" ") || lines[i + 1].startsWith("\t"))) {
          value.append(' ').append(lines[++i].trim());
        }
        return value.toString();
      }
    }
    return null;
  }

  /**
   * Everything after the headers with quoted-printable soft line breaks and escapes decoded, which is
   * how mail clients show Alertmanager's text part.
   */
  public String decodedBody() {
    int start = data.indexOf("\r\n\r\n");
    String body = start < 0 ? data : data.substring(start + 4);
    body = body.replace("=\r\n", "");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == '=' && i + 2 < bytes.length && hex(bytes[i + 1]) >= 0 && hex(bytes[i + 2]) >= 0) {
        out.write(hex(bytes[i + 1]) * 16 + hex(bytes[i + 2]));
        i += 2;
      } else {
        out.write(bytes[i]);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static int hex(byte b) {
    return Character.digit((char) b, 16);
  }

  @Override
  public String toString() {
    return "mail from " + from + " to " + recipients + " subject " + header("Subject");
  }
}
