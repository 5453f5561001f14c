package com.englog.observability.servlet;

import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.io.UncheckedIOException;

/** A WebSocket endpoint that sends every text message back; the containers instantiate it per connection. */
public final class EchoEndpoint extends Endpoint {

  /** For the containers. */
  public EchoEndpoint() {}

  @Override
  public void onOpen(Session session, EndpointConfig config) {
    session.addMessageHandler(String.class, (MessageHandler.Whole<String>) text -> {
      try {
        session.getBasicRemote().sendText(text);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
  }
}
