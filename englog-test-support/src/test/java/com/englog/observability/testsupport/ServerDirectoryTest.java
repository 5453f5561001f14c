package com.englog.observability.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerDirectoryTest {

  private static final boolean ROOT = PostgresServer.Builder.isRoot();
  /** The user PostgreSQL runs as: {@code postgres} when the tests run as root. */
  private static final String SERVER_USER = ROOT ? "postgres" : System.getProperty("user.name");

  @BeforeAll
  static void postgresUserExists() {
    ToolRun id = ToolRun.run(List.of("id", "postgres"), null, Duration.ofSeconds(10));
    if (id.exitCode() != 0) {
      String message = "no postgres user (Debian's postgresql package creates it): " + id.describe();
      if (TestEnvironment.isCi()) {
        throw new AssertionError("CI=true: " + message);
      }
      Assumptions.abort(message);
    }
  }

  @Test
  void postgresDataDirectoryIsOutsideTheCheckoutAndEveryAncestorIsTraversableByTheServerUser()
      throws Exception {
    try (ServerDirectory dir = PostgresServer.Builder.scratchDirectory(ROOT)) {
      Path real = dir.path().toRealPath();

      assertThat(ServerDirectory.untraversableAncestors(real, SERVER_USER))
          .as("directories from / down to %s that %s may not traverse", real, SERVER_USER)
          .isEmpty();
      // Under the checkout, where the repository was cloned would decide: a clone in /root or in a
      // mktemp -d folder (mode 700) hides everything below it from postgres.
      assertThat(real.startsWith(TestEnvironment.repositoryRoot().toRealPath()))
          .as("%s lies under the checkout %s", real, TestEnvironment.repositoryRoot())
          .isFalse();
      assertThat(Files.getOwner(real).getName()).isEqualTo(SERVER_USER);
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(real))).isEqualTo("rwx------");
    }
  }

  @Test
  void aCloneOnlyItsOwnerMayEnterHidesItsTargetFolderFromOtherUsers(@TempDir Path tmp) throws Exception {
    Assumptions.assumeTrue(ROOT, "needs a second user: runs as root, where postgres is another user");
    Path clone = Files.createDirectory(tmp.resolve("clone"),
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    Path servers = Files.createDirectories(clone.resolve("target").resolve("servers"));
    Files.setPosixFilePermissions(servers, PosixFilePermissions.fromString("rwxr-xr-x"));

    List<Path> closed = ServerDirectory.untraversableAncestors(servers, "postgres");

    assertThat(closed).contains(clone.toRealPath()).doesNotContain(servers.toRealPath());
    assertThat(ServerDirectory.untraversableAncestors(servers, "root")).isEmpty();
  }

  @Test
  void closeRemovesTheDirectoryWithWhatTheServerUserWroteInIt() throws Exception {
    ServerDirectory dir = ServerDirectory.create("close-test", SERVER_USER);
    Path data = Files.createDirectories(dir.path().resolve("data").resolve("base"));
    Files.writeString(data.resolve("PG_VERSION"), "15\n");
    if (ROOT) {
      ToolRun chown = ToolRun.run(List.of("chown", "-R", "postgres:", dir.path().toString()), null,
          Duration.ofSeconds(10));
      assertThat(chown.exitCode()).as(chown.describe()).isZero();
    }

    dir.close();
    dir.close();

    assertThat(dir.path()).doesNotExist();
  }
}
