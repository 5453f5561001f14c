package com.englog.observability.metrics.internal;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.NamingConvention;
import java.util.Set;

/**
 * Not public API.
 *
 * <p>Keeps a few meter names exactly as given and leaves every other name to the registry's own
 * convention. Needed for {@code englog_business_journals_created_total}: the Prometheus convention
 * strips a trailing {@code _created} from counter names (OpenMetrics reserves it for creation
 * timestamps), which would expose {@code englog_business_journals_total} instead of the name the
 * dashboards and alert rules query.
 */
public final class ExactNamingConvention implements NamingConvention {

  private final NamingConvention delegate;
  private final Set<String> exactNames;

  public ExactNamingConvention(NamingConvention delegate, Set<String> exactNames) {
    this.delegate = delegate;
    this.exactNames = Set.copyOf(exactNames);
  }

  @Override
  public String name(String name, Meter.Type type, String baseUnit) {
    return exactNames.contains(name) ? name : delegate.name(name, type, baseUnit);
  }

  @Override
  public String tagKey(String key) {
    return delegate.tagKey(key);
  }

  @Override
  public String tagValue(String value) {
    return delegate.tagValue(value);
  }
}
