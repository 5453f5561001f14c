package com.englog.examples.api;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.semconv.ServerAttributes;
import java.net.URI;
import java.util.Optional;

/**
 * A service this API calls, as its outbound spans name it: {@code peer.service} (the logical name the
 * trace view groups by), {@code server.address} and {@code server.port}.
 *
 * @param service {@code peer.service}, e.g. {@code postgresql}, {@code redis}, {@code englog-worker}
 * @param address host name or IP address; empty for an in-process database
 * @param port port; meaningful only with an address
 */
public record Peer(String service, Optional<String> address, int port) {

  /**
   * {@code peer.service}: still "development" in the semantic conventions, so not in the stable
   * {@code opentelemetry-semconv} artifact.
   */
  public static final AttributeKey<String> PEER_SERVICE = AttributeKey.stringKey("peer.service");

  /** A peer reached over the network. */
  public static Peer of(String service, String address, int port) {
    return new Peer(service, Optional.of(address), port);
  }

  /** A peer at {@code uri}, with the scheme's default port when the URI has none. */
  public static Peer of(String service, URI uri) {
    int port = uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    return of(service, uri.getHost(), port);
  }

  /** A peer that runs inside this process (H2 in memory): no address to report. */
  public static Peer inProcess(String service) {
    return new Peer(service, Optional.empty(), -1);
  }

  /** The three attributes, for a span this code starts. */
  public Attributes attributes() {
    return addTo(Attributes.builder()).build();
  }

  /** Adds the attributes to {@code builder} and returns it. */
  public AttributesBuilder addTo(AttributesBuilder builder) {
    builder.put(PEER_SERVICE, service);
    address.ifPresent(a -> builder.put(ServerAttributes.SERVER_ADDRESS, a).put(ServerAttributes.SERVER_PORT, port));
    return builder;
  }

  /**
   * Sets the attributes on {@code span}: for spans an EngLog helper started ({@code traceDbQuery},
   * {@code traceAiProcessing}, {@code traceEnqueue}), which are current while their work runs.
   */
  public void describe(Span span) {
    span.setAllAttributes(attributes());
  }
}
