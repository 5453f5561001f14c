package com.englog.observability.logging.internal;

import static com.englog.observability.logging.internal.RedactedText.DEFAULT;
import static com.englog.observability.logging.internal.RedactedText.WITH_CARDS;
import static com.englog.observability.logging.internal.RedactedText.kinds;
import static com.englog.observability.logging.internal.RedactedText.redact;
import static com.englog.observability.logging.internal.RedactedText.replace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RedactorTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIx.c2ln | Authorization: Bearer #",
      "authorization=Basic dXNlcjpwYXNz | authorization=Basic #",
      "calling with Bearer abcdef1234567890XYZ ok | calling with Bearer # ok",
      "header Basic YWxhZGRpbjpvcGVuc2VzYW1l sent | header Basic # sent",
      "password=hunter2 next | password=# next",
      "PASSWORD: hunter2 | PASSWORD: #",
      "db_password=p@ss;w0rd&x=1 | db_password=#&x=1",
      "password=p@ss;w0rd | password=#",
      "password=p@ss&w0rd,x next | password=# next",
      "jdbc:sqlserver://db:1433;user=sa;password=S3c;r3t&x;encrypt=true | jdbc:sqlserver://db:1433;user=sa;password=#;encrypt=true",
      "jdbc:sqlserver://db;password=S3cr3t; | jdbc:sqlserver://db;password=#",
      "/login?user=bob&password=p@ss;w&rd&next=/home | /login?user=bob&password=#&next=/home",
      "/login?password=p@ss&amp;x&token=t0k | /login?password=#&token=#",
      "{user=bob, password=p,ss, role=admin} | {user=bob, password=#, role=admin}",
      "password=p@ss; user: bob | password=#; user: bob",
      "Creds[user=bob, password=p@ss;w0rd] | Creds[user=bob, password=#]",
      "{\"password\":\"p a s s\",\"user\":\"bob\"} | {\"password\":\"#\",\"user\":\"bob\"}",
      "'api_key': 'k-123' | 'api_key': '#'",
      "X-Api-Key=abc123 | X-Api-Key=#",
      "client_secret=xyz&grant=1 | client_secret=#&grant=1",
      "?access_token=tok123&b=2 | ?access_token=#&b=2",
      "jdbc:postgresql://app:S3cr3t!@db.internal:5432/englog | jdbc:postgresql://app:#@db.internal:5432/englog",
      "redis://:onlypass@cache:6379 | redis://:#@cache:6379",
      "https://user@host/path | https://user@host/path",
      "key AKIAIOSFODNN7EXAMPLE used | key # used",
      "ghp_0123456789abcdefghijABCDEFGHIJ012345 pushed | # pushed",
      "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz | #",
      "slack xoxb-123456789012-abcdefghij | slack #",
      "stripe sk_live_0123456789abcdefABCD | stripe #",
      "openai sk-proj-0123456789abcdefghijKLMN | openai #",
      "oauth gho_0123456789abcdefghijABCDEFGHIJ012345 | oauth #",
      "app ghs_0123456789abcdefghijABCDEFGHIJ012345 | app #",
      "restricted rk_test_0123456789abcdefABCD | restricted #",
      "user xoxp-123456789012-abcdefghij | user #",
      "google AIzaSyA-0123456789abcdefghijklmnopqrstu | google #",
      "npm npm_0123456789abcdefghijklmnopqrstuvwxyzAB | npm #",
      "gitlab glpat-0123456789abcdefghij | gitlab #",
      "sendgrid SG.abcdefghijklmnopqrstuv.0123456789abcdefghijklmnopqrstuvwxyzABCDEFG | sendgrid #",
      "hf hf_abcdefghijklmnopqrstuvwxyz012345 | hf #",
      "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig-nature_x end | jwt # end",
      "mail ada@example.com now | mail # now",
      "mail first.last+tag@sub.example.co.uk. | mail #.",
  })
  void detectsCredentialsAndPersonalData(String input, String expected) {
    assertThat(redact(DEFAULT, input)).isEqualTo(expected);
    String once = replace(DEFAULT, input);
    assertThat(replace(DEFAULT, once)).as("redacting the redacted text again changes nothing").isEqualTo(once);
    assertThat(kinds(DEFAULT, once)).as("and counts nothing").containsOnly(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "access_token=[REDACTED]",
      "GET /a?access_token=[REDACTED]&b=2",
      "a=1&access_token=[REDACTED]",
      "Creds[user=bob, password=[REDACTED]]",
      "{\"password\":\"[REDACTED]\",\"user\":\"bob\"}",
      "'api_key': '[REDACTED]'",
      "Authorization: Bearer [REDACTED]",
      "password=[REDACTED] next",
      "redis://:[REDACTED]@cache:6379",
  })
  void anAlreadyRedactedValueStaysExactlyAsItIs(String input) {
    assertThat(replace(DEFAULT, input)).isEqualTo(input);
    assertThat(kinds(DEFAULT, input)).containsOnly(0);
  }

  @Test
  void anAlreadyRedactedValueIsRecognisedByTheConfiguredReplacement() {
    Redactor stars = Redactor.builder().replacement("***").build();
    assertThat(replace(stars, "password=*** token=***&b=2")).isEqualTo("password=*** token=***&b=2");
    assertThat(replace(stars, "password=[REDACTED]")).isEqualTo("password=***]");
  }

  @Test
  void aSecretThatMerelyStartsLikeTheReplacementIsStillRedacted() {
    assertThat(redact(DEFAULT, "password=[REDACTED]x2")).isEqualTo("password=#]x2");
    assertThat(redact(DEFAULT, "password=[REDACTEDsecret")).isEqualTo("password=#");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Basic configuration loaded",
      "Bearer authentication failed",
      "at 12:30:45 the token count was 5",
      "tokens=1500 prompt_tokens=1200",
      "author=ada",
      "user@localhost",
      "see https://example.com/a?b=c",
      "AKIA is a prefix, AKIASHORT too",
      "sk-short",
      "eyJ alone",
      "the session lasted 5 minutes",
      "2024-03-05T14:07:09.123Z",
      "map{a=1, b=2}",
      "ratio=0.5 and words=120",
  })
  void leavesOrdinaryTextAlone(String input) {
    assertThat(redact(DEFAULT, input)).isEqualTo(input);
  }

  @Test
  void privateKeyBlocksAreRedactedWhole() {
    String pem = "key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nAAA==\n-----END RSA PRIVATE KEY-----\nafter";
    assertThat(redact(DEFAULT, pem)).isEqualTo("key:\n#\nafter");
    String unterminated = "x -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjE";
    assertThat(redact(DEFAULT, unterminated)).isEqualTo("x #");
    String publicKey = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----";
    assertThat(redact(DEFAULT, publicKey)).isEqualTo(publicKey);
  }

  @Test
  void unclosedQuotedSecretIsRedactedToTheEnd() {
    assertThat(redact(DEFAULT, "{\"password\":\"abc def")).isEqualTo("{\"password\":\"#");
  }

  @Test
  void countsEachRedactionByKind() {
    int[] counts = kinds(DEFAULT, "password=a token=b ada@example.com bob@example.org ghp_0123456789abcdefghijABCDEFGHIJ012345");
    assertThat(counts[Redactor.CREDENTIAL]).isEqualTo(3);
    assertThat(counts[Redactor.PII]).isEqualTo(2);
    assertThat(counts[Redactor.FIELD]).isZero();
  }

  @Test
  void creditCardsAreOptInAndLuhnChecked() {
    String text = "card 4111 1111 1111 1111 and 4111-1111-1111-1112 and order 1234567890123";
    assertThat(redact(DEFAULT, text)).isEqualTo(text);
    Redactor cards = Redactor.builder().enableDetector("credit-card").build();
    assertThat(redact(cards, text)).isEqualTo("card # and 4111-1111-1111-1112 and order 1234567890123");
    assertThat(redact(cards, "5500005555555559")).isEqualTo("#");
  }

  /** Card numbers are 13 to 19 Luhn-valid digits, of either parity, alone as a word. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "n 4222222222222 x | n # x",
      "n 378282246310005 x | n # x",
      "n 30569309025904 x | n # x",
      "n 4000000000000000006 x | n # x",
      "n 4000-0000-0000-0000-006 | n #",
      "n 4111 1111 1111 1111- | n #-",
      "n 400000000002 x | n 400000000002 x",
      "n 40000000000000000002 x | n 40000000000000000002 x",
      "n 4222222222223 x | n 4222222222223 x",
      "n 378282246310006 x | n 378282246310006 x",
      "n 4222222222222x | n 4222222222222x",
      "n 4222 2222 2222  2 x | n 4222 2222 2222  2 x",
  })
  void creditCardsAreThirteenToNineteenLuhnValidDigits(String input, String expected) {
    assertThat(redact(WITH_CARDS, input)).isEqualTo(expected);
  }

  @Test
  void detectorsCanBeTurnedOff() {
    Redactor noEmail = Redactor.builder().disableDetector("email").build();
    assertThat(redact(noEmail, "ada@example.com password=x")).isEqualTo("ada@example.com password=#");
    assertThatThrownBy(() -> Redactor.builder().disableDetector("e-mail"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("detector must be one of")
        .hasMessageContaining("e-mail");
  }

  @Test
  void customPatternsAddSpansAndMergeWithBuiltIns() {
    Redactor r = Redactor.builder()
        .pattern(Pattern.compile("\\+?\\d{2}[ -]?\\d{3}[ -]?\\d{4}"), Redactor.PII)
        .pattern(Pattern.compile("pass\\w*=\\S+"), Redactor.CREDENTIAL)
        .build();
    assertThat(redact(r, "call 44 207 1234 or password=x y")).isEqualTo("call # or # y");
    int[] counts = kinds(r, "call 44 207 1234");
    assertThat(counts[Redactor.PII]).isEqualTo(1);
  }

  @ParameterizedTest
  @CsvSource({
      "password, true", "db.password, true", "DB_PASSWORD, true", "X-Api-Key, true", "csrf_token, true",
      "Authorization, true", "Set-Cookie, true", "JSESSIONID, true", "user.credentials, true", "ssn, true",
      "tokens, false", "prompt_tokens, false", "author, false", "user_id, false", "session_count, false",
      "method, false",
  })
  void fieldNamesAreMatchedAgainstTheDenyList(String name, boolean redacted) {
    assertThat(DEFAULT.redactsField(name)).isEqualTo(redacted);
  }

  @Test
  void allowListOverridesTheDenyList() {
    Redactor r = Redactor.builder().allowField("csrf_token").denyField("internal_note").build();
    assertThat(r.redactsField("csrf_token")).isFalse();
    assertThat(r.redactsField("internal-note")).isTrue();
    assertThat(r.redactsField("password")).isTrue();
  }

  @Test
  void allowListModeFailsClosed() {
    Redactor r = Redactor.builder().allowListMode(true).allowField("request_id").allowField("route").build();
    assertThat(r.redactsField("request_id")).isFalse();
    assertThat(r.redactsField("Request-Id")).isFalse();
    assertThat(r.redactsField("route")).isFalse();
    assertThat(r.redactsField("anything_else")).isTrue();
    assertThat(r.redactsField("password")).isTrue();
  }

  @Test
  void disabledRedactorFindsNothing() {
    assertThat(redact(Redactor.disabled(), "password=x ada@example.com")).isEqualTo("password=x ada@example.com");
    assertThat(Redactor.disabled().redactsField("password")).isFalse();
  }

  @Test
  void replacementsStartingPastTheOutputLimitAreNotReported() {
    Spans spans = new Spans();
    String s = "0123456789 password=secret";
    assertThat(DEFAULT.scan(s, 20, spans)).isZero(); // the replacement would start at 20
    assertThat(DEFAULT.scan(s, 21, spans)).isEqualTo(1);
  }

  @Test
  void anEmailWhoseLocalPartIsInViewIsFoundEvenIfItsAtSignIsNot() {
    String s = "0123456789 firstname.lastname@example.com";
    Spans spans = new Spans();
    assertThat(DEFAULT.scan(s, 15, spans)).isEqualTo(1);
    assertThat(s.substring(spans.start(0), spans.end(0))).isEqualTo("firstname.lastname@example.com");
  }

  @Test
  void aSecretPulledIntoViewByAShorterReplacementIsStillFound() {
    // The key block shrinks to "[REDACTED]", which pulls the password far below the limit in the output.
    String key = "-----BEGIN PRIVATE KEY-----\n" + "A".repeat(500) + "\n-----END PRIVATE KEY-----";
    String s = key + " password=hunter2";
    Spans spans = new Spans();
    assertThat(DEFAULT.scan(s, 40, spans)).isEqualTo(2);
    assertThat(s.substring(spans.start(1), spans.end(1))).isEqualTo("hunter2");
  }

  private static String repeat(char c, int n) {
    return String.valueOf(c).repeat(n);
  }

  /** Token formats are recognized from their documented minimum length on, and not one character earlier. */
  @Test
  void tokenFormatsStartAtTheirMinimumLength() {
    String aws = "AKIA" + "IOSFODNN7EXAMPLE";
    assertThat(redact(DEFAULT, "key " + aws + " used")).isEqualTo("key # used");
    assertThat(redact(DEFAULT, "key " + aws)).as("at the end of the text").isEqualTo("key #");
    assertThat(redact(DEFAULT, "key " + aws.substring(0, 19) + " used")).as("15 characters").contains(aws.substring(0, 19));
    assertThat(redact(DEFAULT, "key " + aws + "Z used")).as("17 characters").contains(aws);
    assertThat(redact(DEFAULT, "key " + aws + "x")).as("more word follows").contains(aws);

    assertThat(redact(DEFAULT, "t ghp_" + repeat('a', 36) + " x")).isEqualTo("t # x");
    assertThat(redact(DEFAULT, "t ghp_" + repeat('a', 35) + " x")).isEqualTo("t ghp_" + repeat('a', 35) + " x");
    assertThat(redact(DEFAULT, "t sk-" + repeat('a', 20))).isEqualTo("t #");
    assertThat(redact(DEFAULT, "t sk-" + repeat('a', 19))).isEqualTo("t sk-" + repeat('a', 19));

    String sg = "SG." + repeat('a', 16) + "." + repeat('b', 16);
    assertThat(redact(DEFAULT, "k " + sg + " x")).isEqualTo("k # x");
    assertThat(redact(DEFAULT, "k SG." + repeat('a', 15) + "." + repeat('b', 16))).contains("SG.");
    assertThat(redact(DEFAULT, "k SG." + repeat('a', 16) + "." + repeat('b', 15))).contains("SG.");
    assertThat(redact(DEFAULT, "k SG." + repeat('a', 16))).as("no second part").contains("SG.");
    assertThat(redact(DEFAULT, "k SG." + repeat('a', 16) + ".")).as("an empty second part").contains("SG.");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "jwt eyJhbGciOi.eyJzdWIiOi.s end | jwt # end",
      "jwt eyJhbGciOi.eyJzdWIiOi. end | jwt # end",
      "jwt eyJhbGciO.eyJzdWIiOi.s end | jwt eyJhbGciO.eyJzdWIiOi.s end",
      "jwt eyJhbGciOi.eyJzdWIiO.s end | jwt eyJhbGciOi.eyJzdWIiO.s end",
      "jwt eyJhbGciOi.eyJzdWIiOi | jwt eyJhbGciOi.eyJzdWIiOi",
      "jwt eyJhbGciOi | jwt eyJhbGciOi",
      "jwt eyJhbGciOi. | jwt eyJhbGciOi.",
  })
  void aJwtNeedsTwoSegmentsOfTenAndASecondDot(String input, String expected) {
    assertThat(redact(DEFAULT, input)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Bearer abcdefghijklmnop | Bearer #",
      "Bearer abcdefghijklmno | Bearer abcdefghijklmno",
      "Bearer abcdefg1 | Bearer #",
      "Bearer abcdef1 | Bearer abcdef1",
      "Bearer abcdefgh | Bearer abcdefgh",
      "Bearer  abcdefghijklmnop! | Bearer  #!",
  })
  void aBearerTokenIsSixteenCharactersOrEightWithADigit(String input, String expected) {
    assertThat(redact(DEFAULT, input)).isEqualTo(expected);
  }

  /** Basic credentials are base64 of "user:password": a colon at any byte position, any base64 character. */
  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "Basic ++++OnB3 x | Basic # x",
      "Basic ////OnB3 x | Basic # x",
      "Basic enp6eno6OQ== x | Basic # x",
      "Basic YWI6Y2RlZmc= x | Basic # x",
      "Basic YTpiY2RlZmc= x | Basic # x",
      "Basic OmFiY2RlZmc= x | Basic # x",
      "Basic bm9jb2xvbmhlcmU= x | Basic bm9jb2xvbmhlcmU= x",
      "Basic ++++//// x | Basic ++++//// x",
      "Basic Om== x | Basic Om== x",
  })
  void basicCredentialsAreRecognizedByTheColonTheyDecodeTo(String input, String expected) {
    assertThat(redact(DEFAULT, input)).isEqualTo(expected);
  }

  @Test
  void scansLongTextInLinearTime() {
    String chunk = "lorem ipsum dolor sit amet, consectetur adipiscing elit: 12:30 a=b c@d ";
    StringBuilder sb = new StringBuilder();
    while (sb.length() < 2_000_000) {
      sb.append(chunk);
    }
    sb.append("password=tail");
    Spans spans = new Spans();
    assertThat(DEFAULT.scan(sb.toString(), Integer.MAX_VALUE, spans)).isEqualTo(1);
  }
}
