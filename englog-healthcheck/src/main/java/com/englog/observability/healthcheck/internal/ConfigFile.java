package com.englog.observability.healthcheck.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Not public API. The configuration file as written, bound by Jackson into records: a key the records
 * do not have is an error, and every error names its path ({@code checks[2].threshold}) and what is
 * allowed there. {@link Config} resolves the bound file for one profile.
 */
final class ConfigFile {

  private ConfigFile() {}

  /** The top level: shared sections and lists, plus a section per profile. */
  record Root(String defaultProfile, Map<String, Profile> profiles, PrometheusSection prometheus,
      List<EndpointEntry> endpoints, List<CheckEntry> checks, SlackSection slack, SlaSection sla) {}

  /** One environment: its variables, sections that override the shared ones key by key, and more entries. */
  record Profile(Map<String, String> variables, PrometheusSection prometheus, List<EndpointEntry> endpoints,
      List<CheckEntry> checks, SlackSection slack, SlaSection sla) {}

  record PrometheusSection(String url, Duration timeout, String bearerTokenFile, String bearerTokenEnv) {}

  record EndpointEntry(String name, String url, Integer expectedStatus, Duration timeout, Boolean critical) {}

  record CheckEntry(String name, String query, Config.Operator operator, Double threshold, String unit,
      Config.OnNoData onNoData, Duration timeout, Boolean critical) {}

  /** {@code notify} is a method of every object, so the component has another name. */
  record SlackSection(String webhookUrlFile, String webhookUrlEnv, @JsonProperty("notify") Config.Notify when) {}

  record SlaSection(Double dependencyObjective, Config.OnNoData onNoData) {}

  /**
   * Strict reading: unknown keys fail (Jackson's default, stated), a duplicate key fails, and numbers
   * and booleans must be written as such ({@code threshold: "5"} and {@code expectedStatus: 200.5} are
   * errors, not coerced).
   */
  private static final ObjectMapper YAML = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .addModule(new SimpleModule("englog-healthcheck-config").addDeserializer(Duration.class, new DurationValue()))
      .build();

  /**
   * Parses and binds {@code text}; an empty document is an empty configuration.
   *
   * @param source how messages name the file
   */
  static Root read(String text, String source) throws ConfigException {
    JsonNode tree;
    try {
      tree = YAML.readTree(text);
    } catch (JsonMappingException e) {
      // A duplicate key, found while building the tree.
      throw new ConfigException("configuration " + source + " is not valid: " + e.getOriginalMessage()
          + where(e));
    } catch (JsonProcessingException e) {
      throw new ConfigException("configuration " + source + " is not valid YAML: " + e.getOriginalMessage()
          + where(e));
    }
    if (tree.isMissingNode() || tree.isNull()) {
      return new Root(null, null, null, null, null, null, null);
    }
    try {
      return YAML.treeToValue(tree, Root.class);
    } catch (JsonProcessingException e) {
      throw new ConfigException(describe(e));
    }
  }

  private static String where(JsonProcessingException e) {
    return e.getLocation() == null ? ""
        : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
  }

  /** A binding error as a message that starts with the path of the offending value. */
  static String describe(JsonProcessingException e) {
    String path = e instanceof JsonMappingException ? path(((JsonMappingException) e).getPath()) : "";
    String at = path.isEmpty() ? "the configuration" : path;
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof Config.InvalidValue) {
        return at + " " + t.getMessage();
      }
    }
    if (e instanceof UnrecognizedPropertyException) {
      UnrecognizedPropertyException u = (UnrecognizedPropertyException) e;
      if (u.getReferringClass() == SlackSection.class && "webhookUrl".equals(u.getPropertyName())) {
        return at + " is not allowed: the webhook URL is a secret; use webhookUrlFile or webhookUrlEnv";
      }
      return at + " is not a known key; known keys there: " + String.join(", ", known(u.getKnownPropertyIds()));
    }
    if (e instanceof MismatchedInputException && ((MismatchedInputException) e).getTargetType() != null) {
      String was = scalar(e);
      return at + " must be " + expected(((MismatchedInputException) e).getTargetType())
          + (was == null ? "" : ", was \"" + was + "\"");
    }
    return at + " is not valid: " + e.getOriginalMessage();
  }

  /** The value that did not fit, when it is a scalar: what the parser stopped at. */
  private static String scalar(JsonProcessingException e) {
    if (e instanceof InvalidFormatException) {
      return String.valueOf(((InvalidFormatException) e).getValue());
    }
    if (e.getProcessor() instanceof JsonParser) {
      JsonParser p = (JsonParser) e.getProcessor();
      try {
        return p.currentToken() != null && p.currentToken().isScalarValue() ? p.getText() : null;
      } catch (IOException unreadable) {
        return null;
      }
    }
    return null;
  }

  /** {@code profiles.production.checks[2].threshold}. */
  private static String path(List<JsonMappingException.Reference> references) {
    StringBuilder sb = new StringBuilder();
    for (JsonMappingException.Reference r : references) {
      if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      } else if (r.getFieldName() != null) {
        sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
      }
    }
    return sb.toString();
  }

  private static TreeSet<String> known(Collection<Object> ids) {
    TreeSet<String> names = new TreeSet<>();
    ids.forEach(id -> names.add(String.valueOf(id)));
    return names;
  }

  private static String expected(Class<?> type) {
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (Number.class.isAssignableFrom(type) || type == double.class) {
      return "a number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class || type == Duration.class || type.isEnum()) {
      return "text";
    }
    if (Collection.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "a mapping";
  }

  /** {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}: see {@link Config#duration}. */
  private static final class DurationValue extends StdScalarDeserializer<Duration> {

    private static final long serialVersionUID = 1L;

    DurationValue() {
      super(Duration.class);
    }

    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (!p.hasToken(JsonToken.VALUE_STRING) && !p.hasToken(JsonToken.VALUE_NUMBER_INT)) {
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      return Config.duration(p.getText());
    }
  }
}
