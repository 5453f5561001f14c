package com.englog.observability.tracing.internal;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the JDK HttpClient sender for OTLP/HTTP when a service also has the OkHttp sender on its
 * class path (added for gRPC): the SDK would otherwise pick whichever it finds first and log a
 * warning. Every other lookup is passed through.
 *
 * <p>Not public API.
 */
public final class PreferJdkHttpSender implements ComponentLoader {

  static final String JDK_PROVIDER = "io.opentelemetry.exporter.sender.jdk.internal.JdkHttpSenderProvider";

  private final ComponentLoader delegate;

  public PreferJdkHttpSender(ComponentLoader delegate) {
    this.delegate = delegate;
  }

  @Override
  public <T> Iterable<T> load(Class<T> spiClass) {
    Iterable<T> all = delegate.load(spiClass);
    if (spiClass != HttpSenderProvider.class) {
      return all;
    }
    List<T> jdk = new ArrayList<>();
    List<T> every = new ArrayList<>();
    for (T provider : all) {
      every.add(provider);
      if (provider.getClass().getName().equals(JDK_PROVIDER)) {
        jdk.add(provider);
      }
    }
    return jdk.isEmpty() ? every : jdk;
  }
}
