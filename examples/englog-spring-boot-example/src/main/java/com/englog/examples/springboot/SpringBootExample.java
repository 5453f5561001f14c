package com.englog.examples.springboot;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A Spring MVC service on Spring Boot 3 (embedded Tomcat 10.1) with the EngLog suite registered as
 * {@code docs/servlet.md} shows: {@link ObservabilityBeans} builds metrics, tracing and health,
 * {@link ObservabilityRegistration} puts the filter, {@code /metrics} and {@code /health} in the
 * container and wires the hooks.
 *
 * <pre>java -jar target/englog-spring-boot-example.jar --server.port=8080 --englog.metrics.token-file=token</pre>
 */
@SpringBootApplication
public class SpringBootExample {

  public static void main(String[] args) {
    SpringApplication.run(SpringBootExample.class, args);
  }
}
