package com.englog.observability.logging.internal;

import static com.englog.observability.logging.internal.RedactedText.DEFAULT;
import static com.englog.observability.logging.internal.RedactedText.WITH_CARDS;
import static com.englog.observability.logging.internal.RedactedText.kinds;
import static com.englog.observability.logging.internal.RedactedText.redact;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The redactor's detectors at the edges of their rules: where a value, a key, a domain or a text
 * ends, the characters at the ends of each character range, and what is found (or not) inside a
 * secret just redacted. Each case shows the redacted text ({@code #} for every span).
 */
class RedactionEdgesTest {

  /**
   * A secret is redacted once, as one span: nothing is found again inside it, although it holds a
   * card number after a character that starts a word.
   */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "auth Bearer abc.4111111111111111 x | auth Bearer # x",
      "auth Basic dXNlcjpwYXNz/4111111111111111 x | auth Basic # x",
      "key glpat-0123456789abcdefghij-4111111111111111 x | key # x",
      "key SG.abcdefghijklmnop.qrstuvwxyzabcdef-4111111111111111 x | key # x",
      "key eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig-4111111111111111 x | key # x",
  })
  void aSecretIsRedactedOnceWithNothingFoundInsideIt(String input, String expected) {
    assertThat(redact(WITH_CARDS, input)).isEqualTo(expected);
    int[] counts = kinds(WITH_CARDS, input);
    assertThat(counts[Redactor.CREDENTIAL]).isEqualTo(1);
    assertThat(counts[Redactor.PII]).isZero();
  }

  /** A URL's user name without a password stays, even when {@code user@host.tld} looks like an e-mail. */
  @Test
  void aUrlUserWithoutPasswordIsNotTakenForAnEmailAddress() {
    assertThat(redact(DEFAULT, "see https://ada@example.com/path now"))
        .isEqualTo("see https://ada@example.com/path now");
    assertThat(redact(DEFAULT, "see https://ada:pw@example.com/path now"))
        .isEqualTo("see https://ada:#@example.com/path now");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // an empty password leaves nothing to redact
      "see https://ada:@example.com/x | see https://ada:@example.com/x",
      // a blank ends the authority: what follows is not its user information
      "see https://ada:pw x@example.com | see https://ada:pw #",
      // a scheme separator cut short by the end of the text
      "see a:/ | see a:/",
      "see a: | see a:",
  })
  void urlCredentialEdges(String input, String expected) {
    assertThat(redact(DEFAULT, input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // a short bearer token needs a digit: 0 and 9 count
      "Bearer abcdefg0 x | Bearer # x",
      "Bearer abcdefg9 x | Bearer # x",
      "Bearer abcdefgh x | Bearer abcdefgh x",
      // a Basic credential that does not decode to user:password, at the very end of the text
      "Basic YWJjZGVmZ2g | Basic YWJjZGVmZ2g",
      // a character above the ASCII range right after a token
      "Bearer abcdefgh1\u0080 | Bearer #\u0080",
      "password=abc\u0080 x | password=# x",
  })
  void authorizationEdges(String input, String expected) {
    assertThat(redact(DEFAULT, input)).isEqualTo(expected);
  }

  /**
   * Basic credentials of random bytes, with and without a colon: redacted exactly when the base64
   * text decodes to bytes holding a ':' (the reference here decodes with {@link Base64}).
   */
  @Test
  void basicCredentialsAreRedactedExactlyWhenTheyDecodeToAColon() {
    Random random = new Random(20261207);
    int redacted = 0;
    for (int round = 0; round < 4000; round++) {
      byte[] bytes = new byte[6 + random.nextInt(20)];
      random.nextBytes(bytes);
      for (int k = 0; k < bytes.length; k++) {
        if (bytes[k] == ':') {
          bytes[k] = 'x';
        }
      }
      if (random.nextBoolean()) {
        bytes[random.nextInt(bytes.length)] = ':';
      }
      String b64 = Base64.getEncoder().encodeToString(bytes);
      String input = "h Basic " + b64 + " x";
      boolean hasColon = new String(bytes, StandardCharsets.ISO_8859_1).indexOf(':') >= 0;
      String expected = hasColon ? "h Basic # x" : input;
      assertThat(redact(DEFAULT, input)).as("%s decodes to %s", b64, java.util.Arrays.toString(bytes))
          .isEqualTo(expected);
      redacted += hasColon ? 1 : 0;
    }
    assertThat(redacted).as("both kinds generated").isBetween(1000, 3000);
  }

  /** Luhn-valid numbers whose digit after a separator is 0 or 9 are found whole. */
  @Test
  void cardNumbersWithSeparatorsBeforeZeroAndNine() {
    for (String digits : new String[] {"411111111111900", "411111111111000", "4111111111119"}) {
      String number = luhnComplete(digits);
      String grouped = number.substring(0, 4) + "-" + number.substring(4, 8) + " " + number.substring(8, 12)
          + "-" + number.substring(12);
      assertThat(redact(WITH_CARDS, "card " + grouped + " x")).as(grouped).isEqualTo("card # x");
    }
  }

  /** {@code digits} followed by the check digit that makes the number Luhn-valid. */
  private static String luhnComplete(String digits) {
    for (char c = '0'; c <= '9'; c++) {
      String candidate = digits + c;
      int sum = 0;
      for (int i = 0; i < candidate.length(); i++) {
        int v = candidate.charAt(candidate.length() - 1 - i) - '0';
        sum += i % 2 == 1 ? (v * 2 > 9 ? v * 2 - 9 : v * 2) : v;
      }
      if (sum % 10 == 0) {
        return candidate;
      }
    }
    throw new AssertionError();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // leading dots are not part of the local part
      "see .ada@example.com | see .#",
      "see ..ada@example.com | see ..#",
      // the top-level label has at least two letters
      "see ada@example.c x | see ada@example.c x",
      "see ada@example.co x | see # x",
      // a domain that ends the text with a dot
      "see ada@example.com. | see #.",
  })
  void emailEdges(String input, String expected) {
    assertThat(redact(DEFAULT, input)).isEqualTo(expected);
  }

  /** A domain label is read when it starts at most 255 characters after the {@code @}. */
  @Test
  void emailDomainsAreReadForTwoHundredFiftyFiveCharacters() {
    String within = "a@" + "b".repeat(253) + ".com x";
    assertThat(redact(DEFAULT, within)).isEqualTo("# x");
    String beyond = "a@" + "b".repeat(254) + ".com x";
    assertThat(redact(DEFAULT, beyond)).isEqualTo(beyond);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      // a URL whose scheme is a denied name is not a key-value pair; "=//" is
      "open secret://vault/db now | open secret://vault/db now",
      "password=//x/y z | password=# z",
      "secret:/ | secret:#",
      // up to three blanks between a key and its separator
      "password   =x y | password   =# y",
      "password    =x y | password    =x y",
      // a key with nothing after its separator
      "password= | password=",
      "'password:   ' | 'password:   '",
      "password=\"\" next | password=\"\" next",
      // an authorization scheme is skipped, also when it ends the text
      "authorization=Bearer | authorization=#",
      "password=hello world | password=# world",
      // ',;&' end a value only when another pair follows: a key of at most 64 characters, then '='
      // or ': ' / ':\\t'
      "password=a;b:\tc | password=#;b:\tc",
      "password=a;b: | password=#",
      // a denied key ending in separators, keys made of separators only
      "password_=hunter2 x | password_=# x",
      "__=hunter2 x | __=hunter2 x",
      // upper-case letters at the ends of the alphabet
      "API_KEY=k-123 x | API_KEY=# x",
      // a key that is a denied name but for its first letter
      "xassword=abc x | xassword=abc x",
  })
  void keyValueEdges(String input, String expected) {
    assertThat(redact(DEFAULT, input)).isEqualTo(expected);
  }

  @Test
  void aPairFollowsWhenItsKeyIsAtMostSixtyFourCharacters() {
    String key64 = "k".repeat(64);
    assertThat(redact(DEFAULT, "password=a;" + key64 + "=1")).isEqualTo("password=#;" + key64 + "=1");
    String key65 = "k".repeat(65);
    assertThat(redact(DEFAULT, "password=a;" + key65 + "=1")).isEqualTo("password=#");
  }

  /** Custom denied names ending in {@code a}, {@code z} or a one-letter name are matched too. */
  @Test
  void customDeniedNamesAtTheEndsOfTheAlphabet() {
    Redactor r = Redactor.builder().denyField("mfa").denyField("authz").denyField("q").build();
    assertThat(redact(r, "mfa=123456 AUTHZ=abc Q=x MFA: 654321"))
        .isEqualTo("mfa=# AUTHZ=# Q=# MFA: #");
    assertThat(r.redactsField("MFA")).isTrue();
    assertThat(r.redactsField("Authz")).isTrue();
    assertThat(r.redactsField("q")).isTrue();
    assertThat(r.redactsField("qx")).isFalse();
  }

  /** An allowed name matches whole: neither a longer nor a shorter name is allowed by it. */
  @Test
  void anAllowedNameMatchesOnlyItself() {
    Redactor r = Redactor.builder().allowListMode(true).allowField("user").build();
    assertThat(r.redactsField("user")).isFalse();
    assertThat(r.redactsField("User")).isFalse();
    assertThat(r.redactsField("users")).isTrue();
    assertThat(r.redactsField("use")).isTrue();
    assertThat(r.redactsField("")).isTrue();
  }

  @Test
  void privateKeyEdges() {
    assertThat(redact(DEFAULT, "a -----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY----- b"))
        .isEqualTo("a # b");
    assertThat(redact(DEFAULT,
        "a -----BEGIN PGP PRIVATE KEY BLOCK-----\nMII\n-----END PGP PRIVATE KEY BLOCK----- b"))
        .isEqualTo("a # b");
    // no closing dashes after the end marker, no end marker, an end marker glued to the header:
    // redacted to the end of the text
    assertThat(redact(DEFAULT, "a -----BEGIN PRIVATE KEY-----\nMII\n-----END PRIVATE KEY")).isEqualTo("a #");
    assertThat(redact(DEFAULT, "a -----BEGIN PRIVATE KEY-----\nMII")).isEqualTo("a #");
    assertThat(redact(DEFAULT, "a -----BEGIN PRIVATE KEY-----END PRIVATE KEY----- b")).isEqualTo("a #");
  }

  /** A private-key header is at most 80 characters from its first dash to its closing dashes. */
  @Test
  void aPrivateKeyHeaderIsAtMostEightyCharacters() {
    // "-----BEGIN " (11) + padding + "PRIVATE KEY" (11): the closing dashes at 80 and at 81.
    String at80 = "-----BEGIN " + "X".repeat(58) + "PRIVATE KEY-----\nMII";
    assertThat(at80.indexOf("-----", 10)).isEqualTo(80);
    assertThat(redact(DEFAULT, at80)).isEqualTo("#");
    String at81 = "-----BEGIN " + "X".repeat(59) + "PRIVATE KEY-----\nMII";
    assertThat(redact(DEFAULT, at81)).isEqualTo(at81);
  }

  /**
   * Nothing is found again inside a card number or a private key just redacted: not the Luhn-valid
   * tail of a 19-digit number after its first separator, not an AWS key id that a line of a key's
   * base64 body happens to be.
   */
  @Test
  void aCardNumberOrAPrivateKeyIsRedactedOnce() {
    String tail = luhnComplete("41111111111111");
    String number = "0000-" + tail.substring(0, 4) + "-" + tail.substring(4, 8) + "-" + tail.substring(8, 12)
        + "-" + tail.substring(12);
    assertThat(redact(WITH_CARDS, "card " + number + " x")).isEqualTo("card # x");
    assertThat(kinds(WITH_CARDS, "card " + number + " x")[Redactor.PII]).isEqualTo(1);

    String pem = "k -----BEGIN PRIVATE KEY-----\nAKIAIOSFODNN7EXAMPLE\n-----END PRIVATE KEY----- x";
    assertThat(redact(DEFAULT, pem)).isEqualTo("k # x");
    assertThat(kinds(DEFAULT, pem)[Redactor.CREDENTIAL]).isEqualTo(1);
  }

  /**
   * Custom patterns: no empty match, none starting at the limit, and every match that the shorter
   * replacements before it pull into view.
   */
  @Test
  void customPatternsFindWhatIsInViewAndNothingEmpty() {
    Redactor digits = Redactor.builder().pattern(java.util.regex.Pattern.compile("\\d*"), Redactor.PII).build();
    assertThat(redact(digits, "ab 12 cd")).isEqualTo("ab # cd");

    Redactor secret = Redactor.builder().pattern(java.util.regex.Pattern.compile("SECRET"), Redactor.CREDENTIAL)
        .build();
    Spans spans = new Spans();
    assertThat(secret.scan("abcdeSECRET", 5, spans)).as("starts at the limit: not in view").isZero();
    assertThat(secret.scan("abcdeSECRET", 6, spans)).isEqualTo(1);

    // A 60-character password becomes "[REDACTED]": SECRET, at index 70 of the text, is at 21 in the
    // written one, inside a limit of 30.
    String text = "password=" + "p".repeat(60) + " SECRET";
    assertThat(secret.scan(text, 30, spans)).isEqualTo(2);
    assertThat(spans.start(1)).isEqualTo(text.indexOf("SECRET"));
  }
}
