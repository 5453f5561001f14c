package com.englog.observability.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.representer.Representer;

/**
 * Per-run copies of the shipped monitoring assets (the unpacked {@code englog-monitoring-assets} zip:
 * {@code prometheus/prometheus.yml}, {@code prometheus/rules/*.yml}, {@code prometheus/web-config.yml},
 * {@code alertmanager/alertmanager.yml}, {@code alertmanager/templates/}, {@code
 * alertmanager/web-config.yml}) that a real Prometheus and Alertmanager can run on loopback. The copies
 * differ from the shipped files only in:
 * <ul>
 *   <li>scrape targets and the Alertmanager target (jobs without a target get an empty list);
 *   <li>secret file paths: every {@code /etc/prometheus/secrets/} and {@code /etc/alertmanager/secrets/}
 *       path points into the copy's {@code secrets/} directory, where random secrets are generated, and
 *       the web configs carry a bcrypt hash of a password generated for this run;
 *   <li>receivers: every Slack, PagerDuty, e-mail and webhook endpoint of a receiver is replaced by one
 *       {@code webhook_configs} entry posting to {@code receiverUrl(name)} (names kept);
 *   <li>timings: scrape and evaluation intervals, group timings ({@code group_wait}, {@code
 *       group_interval}, {@code repeat_interval}), and every {@code for}, {@code keep_firing_for}, rule
 *       group {@code interval}, range selector {@code [..]} and {@code offset} divided by {@link
 *       Builder#timeDivisor(int)}.
 * </ul>
 * Everything is written into a fresh directory only its owner may enter (mode 700; secrets mode 600),
 * never into the checkout. Comments are not kept (the copies are YAML trees equal to the shipped ones
 * but for the keys above).
 *
 * <pre>{@code
 * MonitoringAssetCopies copies = MonitoringAssetCopies.builder(Path.of("target/monitoring"))
 *     .timeDivisor(20)
 *     .target("englog-api", "127.0.0.1:" + apiPort)
 *     .alertmanager("127.0.0.1:" + alertmanagerPort)
 *     .receiverUrl(webhooks::url)
 *     .write();
 * }</pre>
 */
public final class MonitoringAssetCopies {

  /** One Prometheus duration unit term: {@code 5m}, {@code 1h}, {@code 250ms}. */
  private static final String DURATION = "(?:[0-9]+(?:ms|[smhdwy]))+";
  private static final Pattern DURATION_TERM = Pattern.compile("([0-9]+)(ms|[smhdwy])");
  /** {@code [5m]}, {@code [1h:5m]}, {@code [30m:]} in the code part of a PromQL expression. */
  private static final Pattern RANGE = Pattern.compile(
      "\\[(\\s*)(" + DURATION + ")(\\s*)(?:(:)(\\s*)(" + DURATION + ")?(\\s*))?\\]");
  private static final Pattern OFFSET = Pattern.compile("\\b(offset\\s+)(-?)(" + DURATION + ")\\b");
  private static final List<String> SECRET_PREFIXES =
      List.of("/etc/prometheus/secrets/", "/etc/alertmanager/secrets/");
  private static final List<String> NOTIFIER_KEYS = List.of(
      "slack_configs", "pagerduty_configs", "email_configs", "webhook_configs", "opsgenie_configs",
      "victorops_configs", "pushover_configs", "wechat_configs", "telegram_configs", "sns_configs",
      "webex_configs", "discord_configs", "msteams_configs");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path directory;
  private final String password;
  private final String metricsToken;

  private MonitoringAssetCopies(Path directory, String password, String metricsToken) {
    this.directory = directory;
    this.password = password;
    this.metricsToken = metricsToken;
  }

  /** Copies of the assets unpacked under {@code assetsRoot} (with {@code prometheus/} and {@code alertmanager/}). */
  public static Builder builder(Path assetsRoot) {
    return new Builder(assetsRoot);
  }

  /** The mode-700 directory holding the copies. */
  public Path directory() {
    return directory;
  }

  /** {@code prometheus/prometheus.yml} of the copy (rules next to it in {@code rules/}). */
  public Path prometheusConfig() {
    return directory.resolve("prometheus/prometheus.yml");
  }

  /** {@code prometheus/web-config.yml} of the copy, with this run's hash. */
  public Path prometheusWebConfig() {
    return directory.resolve("prometheus/web-config.yml");
  }

  /** {@code alertmanager/alertmanager.yml} of the copy (templates next to it). */
  public Path alertmanagerConfig() {
    return directory.resolve("alertmanager/alertmanager.yml");
  }

  /** {@code alertmanager/web-config.yml} of the copy, with this run's hash. */
  public Path alertmanagerWebConfig() {
    return directory.resolve("alertmanager/web-config.yml");
  }

  /** The directory of generated secret files. */
  public Path secrets() {
    return directory.resolve("secrets");
  }

  /** The user both web configs admit ({@code prometheus}, as shipped). */
  public String user() {
    return "prometheus";
  }

  /** The password generated for this run (its bcrypt hash is in both web configs). */
  public String password() {
    return password;
  }

  /** The bearer token Prometheus sends to the EngLog services ({@code secrets/englog-metrics-token}). */
  public String metricsToken() {
    return metricsToken;
  }

  /** The file holding {@link #metricsToken()}: the services' {@code /metrics} token file. */
  public Path metricsTokenFile() {
    return secrets().resolve("englog-metrics-token");
  }

  /**
   * {@code duration} divided by {@code divisor}, in Prometheus's duration syntax ({@code 2m} / 20 is
   * {@code 6s}, {@code 15s} / 20 is {@code 750ms}, {@code 1d} / 20 is {@code 1h12m}); rounded to the
   * millisecond, at least {@code 1ms} unless zero.
   */
  public static String divide(String duration, int divisor) {
    long millis = millis(duration);
    long divided = Math.round((double) millis / divisor);
    return format(divided == 0 && millis > 0 ? 1 : divided);
  }

  /** Milliseconds of a Prometheus duration ({@code 1h30m}, {@code 250ms}, {@code 1w}). */
  public static long millis(String duration) {
    String text = duration.strip();
    if (!text.matches(DURATION)) {
      throw new IllegalArgumentException("not a Prometheus duration: " + duration);
    }
    Matcher m = DURATION_TERM.matcher(text);
    long total = 0;
    while (m.find()) {
      long n = Long.parseLong(m.group(1));
      switch (m.group(2)) {
        case "ms": total += n; break;
        case "s": total += n * 1000; break;
        case "m": total += n * 60_000; break;
        case "h": total += n * 3_600_000; break;
        case "d": total += n * 86_400_000; break;
        case "w": total += n * 7 * 86_400_000L; break;
        default: total += n * 365 * 86_400_000L; break;
      }
    }
    return total;
  }

  /** {@code millis} as {@code 1h12m}, {@code 6s}, {@code 750ms}, {@code 0s}. */
  public static String format(long millis) {
    if (millis == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    long[] sizes = {3_600_000, 60_000, 1000, 1};
    String[] units = {"h", "m", "s", "ms"};
    long rest = millis;
    for (int i = 0; i < sizes.length; i++) {
      if (rest >= sizes[i]) {
        out.append(rest / sizes[i]).append(units[i]);
        rest %= sizes[i];
      }
    }
    return out.toString();
  }

  /**
   * {@code expr} with every range selector and subquery range ({@code [5m]}, {@code [1h:1m]}) and
   * every {@code offset} divided by {@code divisor}; string literals and comments are left alone.
   */
  public static String divideRanges(String expr, int divisor) {
    StringBuilder out = new StringBuilder();
    StringBuilder code = new StringBuilder();
    int i = 0;
    while (i < expr.length()) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'' || c == '`') {
        out.append(divideCode(code.toString(), divisor));
        code.setLength(0);
        int end = i + 1;
        while (end < expr.length() && expr.charAt(end) != c) {
          end += c != '`' && expr.charAt(end) == '\\' ? 2 : 1;
        }
        end = Math.min(end + 1, expr.length());
        out.append(expr, i, end);
        i = end;
      } else if (c == '#') {
        out.append(divideCode(code.toString(), divisor));
        code.setLength(0);
        int end = expr.indexOf('\n', i);
        end = end < 0 ? expr.length() : end;
        out.append(expr, i, end);
        i = end;
      } else {
        code.append(c);
        i++;
      }
    }
    return out.append(divideCode(code.toString(), divisor)).toString();
  }

  private static String divideCode(String code, int divisor) {
    Matcher range = RANGE.matcher(code);
    StringBuilder ranged = new StringBuilder();
    while (range.find()) {
      String replacement = "[" + range.group(1) + divide(range.group(2), divisor) + range.group(3)
          + (range.group(4) == null ? "" : ":" + range.group(5)
              + (range.group(6) == null ? "" : divide(range.group(6), divisor)) + range.group(7))
          + "]";
      range.appendReplacement(ranged, Matcher.quoteReplacement(replacement));
    }
    range.appendTail(ranged);
    Matcher offset = OFFSET.matcher(ranged.toString());
    StringBuilder out = new StringBuilder();
    while (offset.find()) {
      offset.appendReplacement(out, Matcher.quoteReplacement(
          offset.group(1) + offset.group(2) + divide(offset.group(3), divisor)));
    }
    offset.appendTail(out);
    return out.toString();
  }

  /** What to change in the copies; {@link #write()} writes them. */
  public static final class Builder {
    private final Path assetsRoot;
    private int divisor = 1;
    private Duration scrapeInterval;
    private Duration evaluationInterval;
    private final Map<String, List<String>> targets = new LinkedHashMap<>();
    private String alertmanager;
    private Function<String, URI> receiverUrl;
    private String metricsToken;
    private Path parent;

    private Builder(Path assetsRoot) {
      this.assetsRoot = Objects.requireNonNull(assetsRoot, "assetsRoot");
    }

    /** Divide every {@code for}, {@code keep_firing_for}, range, offset and group timing by this (default 1). */
    public Builder timeDivisor(int divisor) {
      if (divisor < 1) {
        throw new IllegalArgumentException("divisor must be at least 1, got " + divisor);
      }
      this.divisor = divisor;
      return this;
    }

    /**
     * Every scrape interval (global and per job) becomes {@code interval} and every scrape timeout
     * becomes {@code interval} too; without this call they are divided like the other timings.
     */
    public Builder scrapeInterval(Duration interval) {
      this.scrapeInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** The global evaluation interval; without this call it is divided like the other timings. */
    public Builder evaluationInterval(Duration interval) {
      this.evaluationInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** The targets ({@code host:port}) of scrape job {@code job}; jobs never named get no target. */
    public Builder target(String job, String... hostPorts) {
      targets.computeIfAbsent(Objects.requireNonNull(job, "job"), j -> new ArrayList<>())
          .addAll(List.of(hostPorts));
      return this;
    }

    /** The Alertmanager ({@code host:port}) Prometheus sends alerts to. */
    public Builder alertmanager(String hostPort) {
      this.alertmanager = Objects.requireNonNull(hostPort, "hostPort");
      return this;
    }

    /** Where each receiver's notifications go, by receiver name (e.g. {@link AlertWebhookReceiver#url}). */
    public Builder receiverUrl(Function<String, URI> urlByReceiver) {
      this.receiverUrl = Objects.requireNonNull(urlByReceiver, "urlByReceiver");
      return this;
    }

    /** The services' {@code /metrics} bearer token (default: a random one). */
    public Builder metricsToken(String token) {
      this.metricsToken = Objects.requireNonNull(token, "token");
      return this;
    }

    /** Create the copy's directory under {@code parent} (default: the system's temporary directory). */
    public Builder under(Path parent) {
      this.parent = Objects.requireNonNull(parent, "parent");
      return this;
    }

    /** Writes the copies into a fresh mode-700 directory. */
    public MonitoringAssetCopies write() {
      Objects.requireNonNull(receiverUrl, "receiverUrl");
      Objects.requireNonNull(alertmanager, "alertmanager");
      try {
        Path base = parent != null ? Files.createDirectories(parent)
            : Path.of(System.getProperty("java.io.tmpdir"));
        Path dir = Files.createTempDirectory(base, "englog-monitoring-",
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        String password = random();
        String token = metricsToken != null ? metricsToken : random();
        MonitoringAssetCopies copies = new MonitoringAssetCopies(dir, password, token);
        writeSecrets(copies);
        writePrometheus(copies);
        writeAlertmanager(copies);
        return copies;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write the monitoring asset copies", e);
      }
    }

    private void writeSecrets(MonitoringAssetCopies copies) throws IOException {
      Path secrets = Files.createDirectory(copies.secrets(),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      secret(secrets, "englog-metrics-token", copies.metricsToken());
      secret(secrets, "prometheus-password", copies.password());
      secret(secrets, "alertmanager-password", copies.password());
      secret(secrets, "slack-webhook-url", receiverUrl.apply("default").toString());
      secret(secrets, "pagerduty-routing-key", random());
      secret(secrets, "smtp-password", random());
      secret(secrets, "deadmansswitch-token", random());
    }

    private static void secret(Path dir, String name, String value) throws IOException {
      Path file = Files.createFile(dir.resolve(name),
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(file, value, StandardCharsets.UTF_8);
    }

    private void writePrometheus(MonitoringAssetCopies copies) throws IOException {
      Path source = assetsRoot.resolve("prometheus");
      Path target = Files.createDirectories(copies.directory().resolve("prometheus/rules"));
      Map<String, Object> config = map(load(source.resolve("prometheus.yml")));
      rewriteSecretPaths(config, copies.secrets());
      Map<String, Object> global = map(config.get("global"));
      scrapeTimings(global);
      if (global.containsKey("evaluation_interval")) {
        global.put("evaluation_interval", evaluationInterval != null
            ? format(evaluationInterval.toMillis()) : divide(text(global.get("evaluation_interval")), divisor));
      }
      for (Object job : list(config.get("scrape_configs"))) {
        Map<String, Object> scrape = map(job);
        scrapeTimings(scrape);
        List<String> jobTargets = targets.getOrDefault(text(scrape.get("job_name")), List.of());
        for (Object sc : list(scrape.get("static_configs"))) {
          map(sc).put("targets", new ArrayList<>(jobTargets));
        }
      }
      for (Object am : list(map(config.get("alerting")).get("alertmanagers"))) {
        for (Object sc : list(map(am).get("static_configs"))) {
          map(sc).put("targets", new ArrayList<>(List.of(alertmanager)));
        }
      }
      dump(config, copies.prometheusConfig());
      try (Stream<Path> files = Files.list(source.resolve("rules"))) {
        for (Path rules : files.filter(p -> p.toString().endsWith(".yml")).sorted().collect(Collectors.toList())) {
          dump(rules(map(load(rules))), target.resolve(rules.getFileName()));
        }
      }
      webConfig(source.resolve("web-config.yml"), copies.prometheusWebConfig(), copies.password());
    }

    private void scrapeTimings(Map<String, Object> section) {
      for (String key : List.of("scrape_interval", "scrape_timeout")) {
        if (section.containsKey(key)) {
          section.put(key, scrapeInterval != null
              ? format(scrapeInterval.toMillis()) : divide(text(section.get(key)), divisor));
        }
      }
    }

    private Map<String, Object> rules(Map<String, Object> file) {
      for (Object g : list(file.get("groups"))) {
        Map<String, Object> group = map(g);
        if (group.containsKey("interval")) {
          group.put("interval", divide(text(group.get("interval")), divisor));
        }
        for (Object r : list(group.get("rules"))) {
          Map<String, Object> rule = map(r);
          for (String key : List.of("for", "keep_firing_for")) {
            if (rule.containsKey(key)) {
              rule.put(key, divide(text(rule.get(key)), divisor));
            }
          }
          rule.put("expr", divideRanges(text(rule.get("expr")), divisor));
        }
      }
      return file;
    }

    private void writeAlertmanager(MonitoringAssetCopies copies) throws IOException {
      Path source = assetsRoot.resolve("alertmanager");
      Path target = Files.createDirectories(copies.directory().resolve("alertmanager/templates"));
      try (Stream<Path> files = Files.list(source.resolve("templates"))) {
        for (Path t : files.sorted().collect(Collectors.toList())) {
          Files.copy(t, target.resolve(t.getFileName()));
        }
      }
      Map<String, Object> config = map(load(source.resolve("alertmanager.yml")));
      rewriteSecretPaths(config, copies.secrets());
      groupTimings(map(config.get("route")));
      for (Object r : list(config.get("receivers"))) {
        Map<String, Object> receiver = map(r);
        boolean notifies = false;
        boolean sendResolved = false;
        for (String key : NOTIFIER_KEYS) {
          Object configs = receiver.remove(key);
          for (Object c : list(configs)) {
            notifies = true;
            sendResolved |= Boolean.TRUE.equals(map(c).get("send_resolved"));
          }
        }
        if (notifies) {
          Map<String, Object> webhook = new LinkedHashMap<>();
          webhook.put("url", receiverUrl.apply(text(receiver.get("name"))).toString());
          webhook.put("send_resolved", sendResolved);
          receiver.put("webhook_configs", new ArrayList<>(List.of(webhook)));
        }
      }
      dump(config, copies.alertmanagerConfig());
      webConfig(source.resolve("web-config.yml"), copies.alertmanagerWebConfig(), copies.password());
    }

    private void groupTimings(Map<String, Object> route) {
      for (String key : List.of("group_wait", "group_interval", "repeat_interval")) {
        if (route.containsKey(key)) {
          route.put(key, divide(text(route.get(key)), divisor));
        }
      }
      for (Object child : list(route.get("routes"))) {
        groupTimings(map(child));
      }
    }

    private static void webConfig(Path source, Path target, String password) throws IOException {
      Map<String, Object> config = map(load(source));
      Map<String, Object> users = map(config.get("basic_auth_users"));
      byte[] salt = new byte[16];
      RANDOM.nextBytes(salt);
      String hash = OpenBSDBCrypt.generate("2b", password.toCharArray(), salt, 10);
      users.replaceAll((user, shipped) -> hash);
      dump(config, target);
    }

    private static void rewriteSecretPaths(Object node, Path secrets) {
      if (node instanceof Map) {
        for (Map.Entry<String, Object> e : map(node).entrySet()) {
          if (e.getValue() instanceof String) {
            String value = (String) e.getValue();
            for (String prefix : SECRET_PREFIXES) {
              if (value.startsWith(prefix)) {
                e.setValue(secrets.resolve(value.substring(prefix.length())).toString());
              }
            }
          } else {
            rewriteSecretPaths(e.getValue(), secrets);
          }
        }
      } else if (node instanceof List) {
        for (Object item : list(node)) {
          rewriteSecretPaths(item, secrets);
        }
      }
    }
  }

  private static String random() {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /** Parses a YAML file with snakeyaml's safe constructor. */
  public static Object load(Path file) {
    try {
      return new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void dump(Object tree, Path file) throws IOException {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setWidth(200);
    Files.writeString(file, new Yaml(new Representer(options), options).dump(tree));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object node) {
    return node == null ? new LinkedHashMap<>() : (Map<String, Object>) node;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object node) {
    return node == null ? List.of() : (List<Object>) node;
  }

  private static String text(Object value) {
    return value == null ? "" : value.toString();
  }

  @Override
  public String toString() {
    return "MonitoringAssetCopies(" + directory + ")";
  }
}
