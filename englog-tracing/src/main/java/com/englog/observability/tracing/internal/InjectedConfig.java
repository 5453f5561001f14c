package com.englog.observability.tracing.internal;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.internal.DefaultConfigProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Autoconfigure's own {@link ConfigProperties} over a fixed map (the injected system properties and
 * environment over EngLog's defaults and the code's values), parsed exactly as the real ones are,
 * but with our component loader (autoconfigure's map-only factory would use its own).
 *
 * <p>Not public API.
 */
final class InjectedConfig implements ConfigProperties {

  private final ConfigProperties delegate;
  private final ComponentLoader componentLoader;

  InjectedConfig(Map<String, String> properties, ComponentLoader componentLoader) {
    this.delegate = DefaultConfigProperties.createFromMap(properties);
    this.componentLoader = componentLoader;
  }

  @Override
  public String getString(String name) {
    return delegate.getString(name);
  }

  @Override
  public Boolean getBoolean(String name) {
    return delegate.getBoolean(name);
  }

  @Override
  public Integer getInt(String name) {
    return delegate.getInt(name);
  }

  @Override
  public Long getLong(String name) {
    return delegate.getLong(name);
  }

  @Override
  public Double getDouble(String name) {
    return delegate.getDouble(name);
  }

  @Override
  public Duration getDuration(String name) {
    return delegate.getDuration(name);
  }

  @Override
  public List<String> getList(String name) {
    return delegate.getList(name);
  }

  @Override
  public Map<String, String> getMap(String name) {
    return delegate.getMap(name);
  }

  @Override
  public ComponentLoader getComponentLoader() {
    return componentLoader;
  }
}
