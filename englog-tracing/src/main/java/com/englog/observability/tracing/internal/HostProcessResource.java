package com.englog.observability.tracing.internal;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Function;

/**
 * Host and process resource attributes (semantic conventions {@code host.*}, {@code os.*},
 * {@code process.*}), read from the JVM without extra dependencies. Never the command line: it can
 * carry secrets ({@code -Dpassword=…}).
 *
 * <p>Not public API.
 */
public final class HostProcessResource {

  private HostProcessResource() {}

  public static Attributes attributes(Function<String, String> environment) {
    AttributesBuilder attrs = Attributes.builder();
    String host = hostName(environment);
    if (host != null) {
      attrs.put("host.name", host);
    }
    attrs.put("host.arch", arch(System.getProperty("os.arch", "")));
    attrs.put("os.type", osType(System.getProperty("os.name", "")));
    attrs.put("os.description", System.getProperty("os.name", "") + " " + System.getProperty("os.version", ""));
    attrs.put("process.pid", ProcessHandle.current().pid());
    attrs.put("process.runtime.name", System.getProperty("java.runtime.name", "java"));
    attrs.put("process.runtime.version", System.getProperty("java.runtime.version", ""));
    attrs.put("process.runtime.description", System.getProperty("java.vm.vendor", "") + " "
        + System.getProperty("java.vm.name", "") + " " + System.getProperty("java.vm.version", ""));
    return attrs.build();
  }

  // Cheap sources first: InetAddress.getLocalHost() may wait on DNS for seconds on a broken resolver.
  static String hostName(Function<String, String> environment) {
    String env = environment.apply("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.trim();
    }
    Path kernel = Path.of("/proc/sys/kernel/hostname");
    try {
      if (Files.isReadable(kernel)) {
        String name = Files.readString(kernel, StandardCharsets.UTF_8).trim();
        if (!name.isEmpty()) {
          return name;
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  static String arch(String osArch) {
    String a = osArch.toLowerCase(Locale.ROOT);
    switch (a) {
      case "amd64":
      case "x86_64":
        return "amd64";
      case "aarch64":
      case "arm64":
        return "arm64";
      case "x86":
      case "i386":
      case "i686":
        return "x86";
      case "ppc64":
      case "ppc64le":
        return "ppc64";
      case "s390x":
        return "s390x";
      default:
        return a;
    }
  }

  static String osType(String osName) {
    String n = osName.toLowerCase(Locale.ROOT);
    if (n.startsWith("linux")) {
      return "linux";
    }
    if (n.startsWith("windows")) {
      return "windows";
    }
    if (n.startsWith("mac")) {
      return "darwin";
    }
    if (n.contains("bsd")) {
      return n.startsWith("free") ? "freebsd" : n.startsWith("open") ? "openbsd" : "netbsd";
    }
    if (n.startsWith("sunos") || n.startsWith("solaris")) {
      return "solaris";
    }
    if (n.startsWith("aix")) {
      return "aix";
    }
    return n;
  }
}
