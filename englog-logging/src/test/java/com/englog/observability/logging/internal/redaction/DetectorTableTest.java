package com.englog.observability.logging.internal.redaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.logging.RedactionDetector;
import com.englog.observability.logging.internal.Redactor;
import com.englog.observability.logging.internal.Spans;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class DetectorTableTest {

  /** One text with a match for every built-in detector, each found by that detector alone. */
  private static final String ONE_OF_EACH = "calling with Bearer abcdef1234567890XYZ and "
      + "jdbc:postgresql://app:S3cr3t@db:5432/x and password=hunter2 and "
      + "ghp_0123456789abcdefghijABCDEFGHIJ012345 and "
      + "-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- and "
      + "ada@example.com and card 4111 1111 1111 1111";

  private static final FieldNames NAMES = new FieldNames(Redactor.DEFAULT_DENIED_FIELDS, List.of(), false);

  @ParameterizedTest
  @EnumSource(RedactionDetector.class)
  void everyDetectorIsReachedAtEachFirstCharacterItDeclares(RedactionDetector name) {
    DetectorTable table = new DetectorTable(EnumSet.of(name), NAMES);
    Detector detector = Detector.create(name, NAMES);
    assertThat(detector.name()).isEqualTo(name);
    assertThat(detector.firstChars()).isNotEmpty();
    for (char c : detector.firstChars().toCharArray()) {
      assertThat(table.candidates(c)).extracting(Detector::name).containsExactly(name);
      char[] text = {' ', c};
      assertThat(table.skip(text, 0, 2)).as("skip stops at '%s'", c).isEqualTo(1);
    }
  }

  @ParameterizedTest
  @EnumSource(RedactionDetector.class)
  void eachDetectorFindsItsOwnMatchAndNoOther(RedactionDetector name) {
    Redactor alone = Redactor.builder()
        .disableDetector("authorization").disableDetector("url-credentials").disableDetector("key-value")
        .disableDetector("token-formats").disableDetector("private-key").disableDetector("email")
        .enableDetector(Detector.spelling(name))
        .build();
    assertThat(alone.scan(ONE_OF_EACH, Integer.MAX_VALUE, new Spans())).isEqualTo(1);
  }

  /** One match of every shape each detector knows, whole (the tails of the pair test come from these). */
  private static final List<String> MATCHES = List.of(
      "Bearer abcdef1234567890XYZ", "BEARER abcdefg1", "bearer\tabcdefghijklmnopq", "basic dXNlcjpwYXNz",
      "Basic YWxpY2U6c2VjcmV0", "jdbc:postgresql://app:S3cr3t@db:5432/x", "redis://:pw@cache",
      "password=hunter2", "\"token\": \"abc\"", "secret: 'x y'", "Authorization: Bearer abc",
      "ghp_0123456789abcdefghijABCDEFGHIJ012345", "github_pat_0123456789abcdefghij_KLMNOP",
      "AKIAIOSFODNN7EXAMPLE", "ASIAIOSFODNN7EXAMPLE", "AIzaSyA1234567890abcdefghijklmnopqrstuv",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig", "SG.abcdefghijklmnop.abcdefghijklmnopqr",
      "xoxb-1234567890", "glpat-abcdefghij0123456789", "sk_live_0123456789abcdef",
      "rk_test_0123456789abcdef", "sk-abcdefghijklmnopqrst", "npm_0123456789abcdefghijABCDEFGHIJ012345",
      "hf_0123456789abcdefghijABCDEFGHIJ",
      "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----",
      "-----BEGIN PGP PRIVATE KEY BLOCK-----\nx", "ada@example.com", "a.b+c@mail-1.example.org",
      "4111 1111 1111 1111", "4111-1111-1111-1111", "4111111111111111", "378282246310005");

  @Test
  void theMatchesOfThePairTestAreMatches() {
    Redactor all = Redactor.builder().enableDetector("credit-card").build();
    for (String m : MATCHES) {
      assertThat(all.scan(m, Integer.MAX_VALUE, new Spans())).as(m).isPositive();
    }
  }

  /**
   * The pair table is only a short cut: where it calls no detector (a first character followed by a
   * second one the detector did not declare, a non-ASCII one or the end of the text), the detector
   * itself finds nothing either, whatever comes after the pair. Each rejected pair is tried before
   * every tail of every known match, after nothing, a blank and a word.
   */
  @ParameterizedTest
  @EnumSource(RedactionDetector.class)
  void noDetectorCouldMatchWhereThePairTableCallsNothing(RedactionDetector name) {
    DetectorTable table = new DetectorTable(EnumSet.of(name), NAMES);
    Detector detector = Detector.create(name, NAMES);
    Set<String> tails = new java.util.LinkedHashSet<>();
    tails.add("");
    for (String m : MATCHES) {
      for (int k = 0; k <= m.length(); k++) {
        tails.add(m.substring(k));
      }
    }
    int[] nonAscii = {0xe9, 0xa0, 0x20ac, 0xd83d, 0xfeff};
    int rejected = 0;
    List<String> found = new ArrayList<>();
    Spans out = new Spans();
    for (char c : detector.firstChars().toCharArray()) {
      for (int second = -1; second < 128 + nonAscii.length; second++) {
        int next = second < 128 ? second : nonAscii[second - 128];
        if (table.candidates(c, next).length > 0) {
          continue;
        }
        rejected++;
        for (String before : List.of("", " ", "ada")) {
          for (String tail : next < 0 ? List.of("") : tails) {
            String text = before + c + (next < 0 ? "" : String.valueOf((char) next)) + tail;
            out.clear();
            if (detector.scan(text, before.length(), text.length(), out) != -1 || out.size() != 0) {
              found.add(text);
            }
          }
        }
      }
    }
    assertThat(found).as("texts %s matches where the table does not call it", name).isEmpty();
    if (name != RedactionDetector.KEY_VALUE) {
      assertThat(rejected).as("pairs the table rejects for %s", name).isPositive();
    }
  }

  /** Key-value declares no second character: it is called before a non-ASCII one too. */
  @Test
  void aValueAfterADeniedKeyIsFoundWhateverItStartsWith() {
    Redactor redactor = Redactor.builder().build();
    for (String text : List.of("password=ñandú-42", "password:é", "token=\u00a0hunter2", "secret=€uro")) {
      Spans out = new Spans();
      assertThat(redactor.scan(text, Integer.MAX_VALUE, out)).as(text).isOne();
      assertThat(out.end(0)).as(text).isEqualTo(text.length());
    }
  }

  @Test
  void aWordStartDetectorIsNotCalledInsideAWord() {
    Redactor tokens = Redactor.builder().build();
    assertThat(tokens.scan("xghp_0123456789abcdefghijABCDEFGHIJ012345", Integer.MAX_VALUE, new Spans()))
        .isZero();
    assertThat(tokens.scan("x ghp_0123456789abcdefghijABCDEFGHIJ012345", Integer.MAX_VALUE, new Spans()))
        .isOne();
    assertThat(tokens.scan("db.password=hunter2", Integer.MAX_VALUE, new Spans())).isOne();
  }

  @Test
  void charactersNoEnabledDetectorDeclaredAreSkipped() {
    DetectorTable table = new DetectorTable(EnumSet.of(RedactionDetector.EMAIL), NAMES);
    char[] text = "Bearer x:=y-z 4111 @".toCharArray();
    assertThat(table.skip(text, 0, text.length)).isEqualTo(text.length - 1);
    assertThat(new DetectorTable(Set.of(), NAMES).skip(text, 0, text.length)).isEqualTo(text.length);
  }

  /**
   * Static initialization cannot depend on which class comes first: in a fresh class loader, the
   * class named is initialized before any other of the redaction pipeline, and a redactor built
   * afterwards still finds one match per detector.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "internal.redaction.Chars", "internal.redaction.Detector", "internal.redaction.DetectorTable",
      "internal.redaction.FieldNames", "internal.redaction.AuthorizationDetector",
      "internal.redaction.UrlCredentialsDetector", "internal.redaction.KeyValueDetector",
      "internal.redaction.TokenFormatsDetector", "internal.redaction.PrivateKeyDetector",
      "internal.redaction.EmailDetector", "internal.redaction.CreditCardDetector", "internal.Redactor",
      "internal.Redactor$Builder", "internal.Spans", "RedactionDetector"})
  void initializationOrderDoesNotMatter(String first) throws Exception {
    ClassLoader loader = new ChildFirst(getClass().getClassLoader());
    String root = "com.englog.observability.logging.";
    Class.forName(root + first, true, loader);
    Class<?> redactor = Class.forName(root + "internal.Redactor", true, loader);
    Class<?> spans = Class.forName(root + "internal.Spans", true, loader);
    assertThat(redactor).isNotSameAs(Redactor.class);

    Object disabled = redactor.getMethod("disabled").invoke(null);
    Method scan = redactor.getMethod("scan", String.class, int.class, spans);
    Object out = spans.getConstructor().newInstance();
    assertThat(scan.invoke(disabled, ONE_OF_EACH, Integer.MAX_VALUE, out)).isEqualTo(0);

    Object builder = redactor.getMethod("builder").invoke(null);
    builder.getClass().getMethod("enableDetector", String.class).invoke(builder, "credit-card");
    Object all = builder.getClass().getMethod("build").invoke(builder);
    assertThat(scan.invoke(all, ONE_OF_EACH, Integer.MAX_VALUE, out))
        .isEqualTo(RedactionDetector.values().length);
  }

  /** Defines the logging classes itself, from the same class files, so their statics start afresh. */
  private static final class ChildFirst extends ClassLoader {
    ChildFirst(ClassLoader parent) {
      super(parent);
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
      if (!name.startsWith("com.englog.observability.logging.") || name.endsWith("Test")) {
        return super.loadClass(name, resolve);
      }
      synchronized (getClassLoadingLock(name)) {
        Class<?> c = findLoadedClass(name);
        if (c == null) {
          String resource = name.replace('.', '/') + ".class";
          try (InputStream in = getParent().getResourceAsStream(resource)) {
            if (in == null) {
              throw new ClassNotFoundException(name);
            }
            byte[] bytes = in.readAllBytes();
            c = defineClass(name, bytes, 0, bytes.length);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
        if (resolve) {
          resolveClass(c);
        }
        return c;
      }
    }
  }

  /** A detector's first characters index a 128-entry table: each must be ASCII, and there must be one. */
  @Test
  void aDetectorDeclaresAtLeastOneFirstCharacterAllAscii() {
    assertThat(declaring("\u007f").firstChars()).isEqualTo("\u007f");
    assertThatThrownBy(() -> declaring("\u0080")).isInstanceOf(IllegalStateException.class)
        .hasMessage("EMAIL declares a non-ASCII first character");
    assertThatThrownBy(() -> declaring("@\u00e9")).isInstanceOf(IllegalStateException.class)
        .hasMessage("EMAIL declares a non-ASCII first character");
    assertThatThrownBy(() -> declaring("")).isInstanceOf(IllegalStateException.class)
        .hasMessage("EMAIL declares no first character");
  }

  private static Detector declaring(String firstChars) {
    return new Detector(RedactionDetector.EMAIL, firstChars, false) {
      @Override
      String secondChars(char first) {
        return null;
      }

      @Override
      public int scan(String s, int i, int n, Spans out) {
        return -1;
      }
    };
  }
}
