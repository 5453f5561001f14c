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
      public int scan(String s, int i, int n, Spans out) {
        return -1;
      }
    };
  }
}
