package com.englog.observability.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PreferJdkHttpSenderTest {

  @Test
  void theJdkSenderIsOnTheTestClassPathAsItIsForUsers() {
    List<String> found = new ArrayList<>();
    ComponentLoader.forClassLoader(getClass().getClassLoader()).load(HttpSenderProvider.class)
        .forEach(p -> found.add(p.getClass().getName()));
    assertThat(found).contains(PreferJdkHttpSender.JDK_PROVIDER);
  }

  @Test
  void withTwoHttpSendersOnlyTheJdkOneIsOffered() throws Exception {
    HttpSenderProvider jdk = (HttpSenderProvider) Class.forName(PreferJdkHttpSender.JDK_PROVIDER)
        .getDeclaredConstructor().newInstance();
    HttpSenderProvider other = config -> {
      throw new UnsupportedOperationException();
    };
    ComponentLoader both = new ComponentLoader() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> Iterable<T> load(Class<T> spiClass) {
        return spiClass == HttpSenderProvider.class ? (List<T>) List.of(other, jdk) : List.of();
      }
    };

    List<Object> offered = new ArrayList<>();
    new PreferJdkHttpSender(both).load(HttpSenderProvider.class).forEach(offered::add);
    assertThat(offered).containsExactly(jdk);

    ComponentLoader onlyOther = new ComponentLoader() {
      @Override
      @SuppressWarnings("unchecked")
      public <T> Iterable<T> load(Class<T> spiClass) {
        return (List<T>) List.of(other);
      }
    };
    List<Object> fallback = new ArrayList<>();
    new PreferJdkHttpSender(onlyOther).load(HttpSenderProvider.class).forEach(fallback::add);
    assertThat(fallback).as("without the JDK sender, whatever is there").containsExactly(other);
  }
}
