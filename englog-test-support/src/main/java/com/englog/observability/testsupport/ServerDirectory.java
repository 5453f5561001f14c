package com.englog.observability.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A scratch directory for a server that runs as another user than the tests: as root, PostgreSQL runs
 * as {@code postgres}. It lives under the system's temporary directory, not under the checkout: a
 * repository cloned where only its owner may enter (a home directory such as {@code /root}, a {@code
 * mktemp -d} folder) would hide a directory under {@code target/} from that user.
 *
 * <p>{@link #create(String, String)} takes the first base directory (the {@code java.io.tmpdir}
 * property, then {@code /tmp}, {@code /var/tmp}, {@code /dev/shm}) whose every ancestor the user may
 * traverse, and gives the new directory to the user. {@link #close()} removes it with everything in
 * it; whoever owns the directory also removes it at JVM exit if no one closed it.
 */
public final class ServerDirectory implements AutoCloseable {

  private static final List<String> FALLBACK_BASES = List.of("/tmp", "/var/tmp", "/dev/shm");

  private final Path path;
  private final String user;

  private ServerDirectory(Path path, String user) {
    this.path = path;
    this.user = user;
  }

  /**
   * Creates a fresh directory named {@code englog-<prefix>-*}, owned by {@code user} and entered by
   * nobody else, under a base directory {@code user} can reach.
   *
   * @throws AssertionError when no candidate base directory is traversable by {@code user}
   */
  public static ServerDirectory create(String prefix, String user) {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(user, "user");
    Set<Path> candidates = new LinkedHashSet<>();
    candidates.add(Path.of(System.getProperty("java.io.tmpdir")));
    FALLBACK_BASES.forEach(base -> candidates.add(Path.of(base)));
    List<String> rejected = new ArrayList<>();
    for (Path candidate : candidates) {
      if (!Files.isDirectory(candidate) || !Files.isWritable(candidate)) {
        rejected.add(candidate + " (not a writable directory)");
        continue;
      }
      List<Path> closed = untraversableAncestors(candidate, user);
      if (!closed.isEmpty()) {
        rejected.add(candidate + " (" + user + " cannot traverse " + closed + ")");
        continue;
      }
      try {
        Path dir = Files.createTempDirectory(candidate.toRealPath(), "englog-" + prefix + "-");
        ServerDirectory created = new ServerDirectory(dir, user);
        try {
          if (!user.equals(System.getProperty("user.name"))) {
            UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
            Files.setOwner(dir, owner);
          }
        } catch (IOException | RuntimeException e) {
          created.close();
          throw e;
        }
        return created;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot create a scratch directory for " + user + " in " + candidate, e);
      }
    }
    throw new AssertionError("no temporary directory that the user " + user + " can reach: " + rejected
        + "; set java.io.tmpdir to a directory whose every ancestor " + user + " may traverse");
  }

  /** The directory. */
  public Path path() {
    return path;
  }

  /** The user the directory was created for. */
  public String user() {
    return user;
  }

  /**
   * The directories from the root down to {@code dir} (symbolic links resolved, {@code dir} included)
   * that {@code user} may not traverse, judged by the owner, group and other permission bits as the
   * kernel does (access control lists are not read). Empty when {@code user} can reach {@code dir}.
   */
  public static List<Path> untraversableAncestors(Path dir, String user) {
    if ("root".equals(user)) {
      return List.of();
    }
    Set<String> groups = groupsOf(user);
    List<Path> closed = new ArrayList<>();
    try {
      Path real = dir.toRealPath();
      Path current = real.getRoot();
      if (!traversable(current, user, groups)) {
        closed.add(current);
      }
      for (Path name : real) {
        current = current.resolve(name);
        if (!traversable(current, user, groups)) {
          closed.add(current);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the permissions above " + dir, e);
    }
    return closed;
  }

  private static boolean traversable(Path dir, String user, Set<String> groups) throws IOException {
    PosixFileAttributes attributes = Files.readAttributes(dir, PosixFileAttributes.class);
    Set<PosixFilePermission> permissions = attributes.permissions();
    if (attributes.owner().getName().equals(user)) {
      return permissions.contains(PosixFilePermission.OWNER_EXECUTE);
    }
    if (groups.contains(attributes.group().getName())) {
      return permissions.contains(PosixFilePermission.GROUP_EXECUTE);
    }
    return permissions.contains(PosixFilePermission.OTHERS_EXECUTE);
  }

  /** The names of the user's groups (primary and supplementary), as {@code id -Gn} lists them. */
  private static Set<String> groupsOf(String user) {
    ToolRun id = ToolRun.run(List.of("id", "-Gn", user), null, Duration.ofSeconds(10));
    if (id.exitCode() != 0) {
      throw new AssertionError("cannot list the groups of user " + user + ": " + id.describe());
    }
    return Set.of(id.stdout().strip().split("\\s+"));
  }

  /** Removes the directory and everything in it; does nothing if it is already gone. */
  @Override
  public void close() {
    if (!Files.exists(path)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(path)) {
      for (Path p : (Iterable<Path>) tree.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot remove " + path, e);
    }
  }

  @Override
  public String toString() {
    return path + " (for " + user + ")";
  }
}
