package com.englog.examples.api.web;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One endpoint: method, route template ({@code /api/journals/{id}}), the role it needs, whether the
 * error-burst fault applies to it, and its handler. The template is also the {@code endpoint} label of
 * the HTTP metrics, so a million journal ids stay one series.
 */
record Route(String method, String template, Role role, boolean faultInjection, Handler handler) {

  /** The path parameters when {@code path} matches the template, e.g. {@code {id=42}}. */
  Optional<Map<String, String>> match(String path) {
    String[] want = template.split("/", -1);
    String[] got = path.split("/", -1);
    if (want.length != got.length) {
      return Optional.empty();
    }
    Map<String, String> parameters = new HashMap<>();
    for (int i = 0; i < want.length; i++) {
      if (want[i].startsWith("{") && want[i].endsWith("}")) {
        if (got[i].isEmpty()) {
          return Optional.empty();
        }
        parameters.put(want[i].substring(1, want[i].length() - 1), got[i]);
      } else if (!want[i].equals(got[i])) {
        return Optional.empty();
      }
    }
    return Optional.of(parameters);
  }
}
