package com.englog.observability.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class SmtpRecorderTest {

  @Test
  void recordsEnvelopeCredentialsAndDecodedData() throws Exception {
    try (SmtpRecorder smtp = SmtpRecorder.start();
         Socket socket = new Socket("127.0.0.1", smtp.port())) {
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      assertThat(in.readLine()).startsWith("220 ");
      send(out, "EHLO client.test");
      String line;
      StringBuilder ehlo = new StringBuilder();
      while ((line = in.readLine()).startsWith("250-")) {
        ehlo.append(line).append('\n');
      }
      assertThat(ehlo).contains("AUTH PLAIN LOGIN").doesNotContain("STARTTLS");
      String plain = Base64.getEncoder().encodeToString(
          "\u0000alerts@englog.com\u0000s3cret".getBytes(StandardCharsets.UTF_8));
      send(out, "AUTH PLAIN " + plain);
      assertThat(in.readLine()).startsWith("235 ");
      send(out, "MAIL FROM:<alerts@englog.com>");
      assertThat(in.readLine()).startsWith("250 ");
      send(out, "RCPT TO:<devops@englog.com>");
      assertThat(in.readLine()).startsWith("250 ");
      send(out, "DATA");
      assertThat(in.readLine()).startsWith("354 ");
      send(out, "Subject: [EngLog FIRING] Test\r\nTo: devops@englog.com\r\n\r\n"
          + "Alert: disk =3D full, very long line that is =\r\nsoft-wrapped\r\n..dot-stuffed\r\n.");
      assertThat(in.readLine()).startsWith("250 ");
      send(out, "QUIT");
      assertThat(in.readLine()).startsWith("221 ");

      RecordedMail mail = smtp.awaitMails(1, Duration.ofSeconds(5)).get(0);
      assertThat(mail.helo()).isEqualTo("client.test");
      assertThat(mail.authUser()).isEqualTo("alerts@englog.com");
      assertThat(mail.authPassword()).isEqualTo("s3cret");
      assertThat(mail.from()).isEqualTo("alerts@englog.com");
      assertThat(mail.recipients()).containsExactly("devops@englog.com");
      assertThat(mail.header("subject")).isEqualTo("[EngLog FIRING] Test");
      assertThat(mail.decodedBody())
          .contains("Alert: disk = full, very long line that is soft-wrapped")
          .contains("\r\n.dot-stuffed");
    }
  }

  @Test
  void unknownCommandsAreRefusedWithoutClosingTheSession() throws Exception {
    try (SmtpRecorder smtp = SmtpRecorder.start();
         Socket socket = new Socket("127.0.0.1", smtp.port())) {
      BufferedReader in = new BufferedReader(
          new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      OutputStream out = socket.getOutputStream();
      in.readLine();
      send(out, "STARTTLS");
      assertThat(in.readLine()).startsWith("502 ");
      send(out, "NOOP");
      assertThat(in.readLine()).startsWith("250 ");
      assertThat(smtp.mails()).isEmpty();
    }
  }

  private static void send(OutputStream out, String text) throws Exception {
    out.write((text + "\r\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }
}
