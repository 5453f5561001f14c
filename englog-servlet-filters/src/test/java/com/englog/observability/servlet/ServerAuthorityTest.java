package com.englog.observability.servlet;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServletRequest;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code server.address}/{@code server.port} from the {@code Host} header, the container otherwise. */
class ServerAuthorityTest {

  /** Calls of the container's {@code getServerName()} and {@code getServerPort()}. */
  private final AtomicInteger containerCalls = new AtomicInteger();

  private HttpServletRequest request(Map<String, String> headers, boolean secure) {
    return (HttpServletRequest) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "getHeader":
              return headers.get((String) args[0]);
            case "isSecure":
              return secure;
            case "getServerName":
              containerCalls.incrementAndGet();
              return "container.example";
            case "getServerPort":
              containerCalls.incrementAndGet();
              return 8443;
            default:
              throw new UnsupportedOperationException(method.getName());
          }
        });
  }

  @ParameterizedTest
  @CsvSource({
      "api.englog.example:8080, false, api.englog.example, 8080",
      "127.0.0.1:18080,         false, 127.0.0.1,          18080",
      "api.englog.example,      false, api.englog.example, 80",
      "api.englog.example,      true,  api.englog.example, 443",
      "My-Host_1.internal:1,    false, My-Host_1.internal, 1",
      "h:65535,                 false, h,                  65535",
  })
  void aPlainHostHeaderIsReadWithoutTheContainer(String host, boolean secure, String address, long port) {
    ServerAuthority.HostPort p = new ServerAuthority().of(request(Map.of("Host", host), secure));
    assertThat(p.host()).isEqualTo(address);
    assertThat(p.port()).isEqualTo(port);
    assertThat(containerCalls).hasValue(0);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[::1]:8080", "[::1]", "host:0", "host:65536", "host:123456", "host:", ":8080",
      "a:b:c", "host:80a", "bad host", "host/x", "h\u00e9te", ""})
  void anythingElseIsLeftToTheContainer(String host) {
    ServerAuthority.HostPort p = new ServerAuthority().of(request(Map.of("Host", host), false));
    assertThat(p.host()).isEqualTo("container.example");
    assertThat(p.port()).isEqualTo(8443L);
    assertThat(containerCalls).hasValue(2);
  }

  @Test
  void aVeryLongHostIsLeftToTheContainer() {
    String host = "a".repeat(ServerAuthority.MAX_LENGTH + 1);
    assertThat(ServerAuthority.parse(host, 80)).isNull();
    assertThat(ServerAuthority.parse("a".repeat(ServerAuthority.MAX_LENGTH), 80)).isNotNull();
  }

  @Test
  void withoutHostAsInHttp2TheContainerAnswers() {
    ServerAuthority.HostPort p = new ServerAuthority().of(request(Map.of(), false));
    assertThat(p.host()).isEqualTo("container.example");
    assertThat(containerCalls).hasValue(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Forwarded", "X-Forwarded-Host", "X-Forwarded-Port", "X-Forwarded-Proto"})
  void aForwardedRequestIsLeftToTheContainerThatMayHonourIt(String header) {
    ServerAuthority.HostPort p = new ServerAuthority()
        .of(request(Map.of("Host", "proxy.internal:8080", header, "x"), false));
    assertThat(p.host()).isEqualTo("container.example");
    assertThat(p.port()).isEqualTo(8443L);
  }

  @Test
  void theLastHeaderIsReusedAndANewOneReplacesIt() {
    ServerAuthority authority = new ServerAuthority();
    ServerAuthority.HostPort first = authority.of(request(Map.of("Host", "api.englog.example:8080"), false));
    // An equal header in another String, as each request brings its own.
    ServerAuthority.HostPort again = authority.of(request(Map.of("Host", new String("api.englog.example:8080")), false));
    assertThat(again).isSameAs(first);

    ServerAuthority.HostPort other = authority.of(request(Map.of("Host", "admin.englog.example:9090"), false));
    assertThat(other.host()).isEqualTo("admin.englog.example");
    assertThat(other.port()).isEqualTo(9090L);
    assertThat(authority.of(request(Map.of("Host", "api.englog.example:8080"), false)))
        .isNotSameAs(first).satisfies(p -> assertThat(p.port()).isEqualTo(8080L));
  }
}
