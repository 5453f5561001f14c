package com.englog.observability.healthcheck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.englog.observability.healthcheck.internal.MiniJson;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MiniJsonTest {

  @Test
  void readsPrometheusAnswers() {
    Object parsed = MiniJson.parse("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":"
        + "[{\"metric\":{\"job\":\"api\\u003c\"},\"value\":[1.7e9,\"NaN\"]}]}}");

    assertThat(parsed).isEqualTo(Map.of("status", "success", "data", Map.of("resultType", "vector",
        "result", List.of(Map.of("metric", Map.of("job", "api<"), "value", List.of(1.7e9, "NaN"))))));
  }

  @Test
  void rejectsHostileAndBrokenInputWithAClearError() {
    assertThatThrownBy(() -> MiniJson.parse("[".repeat(10_000))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("nested deeper than 64");
    assertThatThrownBy(() -> MiniJson.parse("{\"a\":1")).hasMessageContaining("invalid JSON");
    assertThatThrownBy(() -> MiniJson.parse("<html>")).hasMessageContaining("unexpected character");
    assertThatThrownBy(() -> MiniJson.parse("\"\\x\"")).hasMessageContaining("bad escape");
  }

  @Test
  void writesEscapedJsonThatReadsBack() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("text", "quote \" back \\ nl \n ctl \u0001");
    m.put("n", 2.0);
    m.put("x", 0.25);
    m.put("nan", Double.NaN);
    m.put("list", List.of(true, "a"));
    m.put("none", null);
    String json = MiniJson.write(m);

    assertThat(json).isEqualTo("{\"text\":\"quote \\\" back \\\\ nl \\n ctl \\u0001\",\"n\":2,\"x\":0.25,"
        + "\"nan\":\"NaN\",\"list\":[true,\"a\"],\"none\":null}");
    assertThat(MiniJson.parse(json)).isInstanceOf(Map.class);
  }
}
