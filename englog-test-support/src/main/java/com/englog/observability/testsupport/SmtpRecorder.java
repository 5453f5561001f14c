package com.englog.observability.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A loopback SMTP server that accepts every message and records it: the stand-in for the mail relay
 * an Alertmanager e-mail receiver talks to. It speaks enough ESMTP for Go's {@code net/smtp} client
 * (Alertmanager 0.25): EHLO/HELO, AUTH PLAIN and LOGIN (recording the credentials), MAIL, RCPT, DATA,
 * RSET, NOOP, QUIT. It does not offer STARTTLS, so the client must run with {@code require_tls: false}.
 *
 * <pre>{@code
 * try (SmtpRecorder smtp = SmtpRecorder.start()) {
 *   // point smtp_smarthost at smtp.hostPort()
 *   RecordedMail mail = smtp.awaitMails(1, Duration.ofSeconds(30)).get(0);
 *   assertThat(mail.recipients()).containsExactly("devops@englog.com");
 * }
 * }</pre>
 */
public final class SmtpRecorder implements AutoCloseable {

  private final ServerSocket server;
  private final ExecutorService executor;
  private final Arrivals<RecordedMail> mails = new Arrivals<>("mails");

  private SmtpRecorder(ServerSocket server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Starts a recorder on a free port of 127.0.0.1. */
  public static SmtpRecorder start() {
    try {
      ServerSocket socket = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
      ExecutorService executor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "smtp-recorder");
        t.setDaemon(true);
        return t;
      });
      SmtpRecorder recorder = new SmtpRecorder(socket, executor);
      executor.execute(recorder::acceptLoop);
      return recorder;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code 127.0.0.1:port}, as a smarthost setting. */
  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  /** Every message received so far, in arrival order. */
  public List<RecordedMail> mails() {
    return mails.snapshot();
  }

  /** Waits until at least {@code count} messages arrived; fails after {@code timeout}. */
  public List<RecordedMail> awaitMails(int count, Duration timeout) {
    return awaitMails(count, m -> true, timeout);
  }

  /** Waits until at least {@code count} messages matching {@code filter} arrived. */
  public List<RecordedMail> awaitMails(int count, Predicate<RecordedMail> filter, Duration timeout) {
    return mails.await(count, filter, timeout);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        executor.execute(() -> session(socket));
      } catch (SocketException e) {
        return; // closed
      } catch (IOException e) {
        if (server.isClosed()) {
          return;
        }
      }
    }
  }

  private void session(Socket socket) {
    try (Socket s = socket;
         BufferedReader in = new BufferedReader(
             new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
         OutputStream out = s.getOutputStream()) {
      s.setSoTimeout(30_000);
      reply(out, "220 127.0.0.1 ESMTP englog-test-support SmtpRecorder");
      String helo = null;
      String user = null;
      String password = null;
      String from = null;
      List<String> recipients = new ArrayList<>();
      String line;
      while ((line = in.readLine()) != null) {
        String upper = line.toUpperCase(Locale.ROOT);
        if (upper.startsWith("EHLO ")) {
          helo = line.substring(5).trim();
          reply(out, "250-127.0.0.1 greets " + helo + "\r\n250-8BITMIME\r\n250-AUTH PLAIN LOGIN\r\n250 SMTPUTF8");
        } else if (upper.startsWith("HELO ")) {
          helo = line.substring(5).trim();
          reply(out, "250 127.0.0.1");
        } else if (upper.startsWith("AUTH PLAIN")) {
          String response = line.length() > 11 ? line.substring(11).trim() : null;
          if (response == null || response.isEmpty()) {
            reply(out, "334 ");
            response = in.readLine();
          }
          String[] parts = new String(Base64.getDecoder().decode(response.trim()),
              StandardCharsets.UTF_8).split("\u0000", -1);
          user = parts.length > 1 ? parts[1] : null;
          password = parts.length > 2 ? parts[2] : null;
          reply(out, "235 2.7.0 Authentication successful");
        } else if (upper.startsWith("AUTH LOGIN")) {
          reply(out, "334 " + b64("Username:"));
          user = unb64(in.readLine());
          reply(out, "334 " + b64("Password:"));
          password = unb64(in.readLine());
          reply(out, "235 2.7.0 Authentication successful");
        } else if (upper.startsWith("MAIL FROM:")) {
          from = address(line.substring(10));
          recipients = new ArrayList<>();
          reply(out, "250 2.1.0 OK");
        } else if (upper.startsWith("RCPT TO:")) {
          recipients.add(address(line.substring(8)));
          reply(out, "250 2.1.5 OK");
        } else if (upper.equals("DATA")) {
          reply(out, "354 End data with <CR><LF>.<CR><LF>");
          StringBuilder data = new StringBuilder();
          String d;
          while ((d = in.readLine()) != null && !d.equals(".")) {
            data.append(d.startsWith("..") ? d.substring(1) : d).append("\r\n");
          }
          mails.add(new RecordedMail(helo, user, password, from, recipients, data.toString()));
          reply(out, "250 2.0.0 OK: queued");
        } else if (upper.equals("RSET")) {
          from = null;
          recipients = new ArrayList<>();
          reply(out, "250 2.0.0 OK");
        } else if (upper.equals("NOOP")) {
          reply(out, "250 2.0.0 OK");
        } else if (upper.equals("QUIT")) {
          reply(out, "221 2.0.0 Bye");
          return;
        } else {
          reply(out, "502 5.5.2 Command not recognized");
        }
      }
    } catch (IOException e) {
      // The client went away; what was complete has been recorded.
    }
  }

  private static String address(String text) {
    String t = text.trim();
    int lt = t.indexOf('<');
    int gt = t.indexOf('>');
    return lt >= 0 && gt > lt ? t.substring(lt + 1, gt) : t.split(" ")[0];
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String unb64(String s) {
    return s == null ? null : new String(Base64.getDecoder().decode(s.trim()), StandardCharsets.UTF_8);
  }

  private static void reply(OutputStream out, String text) throws IOException {
    out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // Closing anyway.
    }
    executor.shutdownNow();
  }
}
