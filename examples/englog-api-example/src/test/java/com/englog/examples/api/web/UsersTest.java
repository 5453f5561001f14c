package com.englog.examples.api.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsersTest {

  @TempDir
  Path tmp;

  @Test
  void aTokensFileMapsTokensToUsersAndRoles() throws Exception {
    Path file = Files.writeString(tmp.resolve("tokens"), """
        # token            user   role
        t-carol-7f3a       carol  writer
        t-dan-0b12         dan    READER

        t-ops-9c4e         ops    admin
        """);

    Users users = Users.fromFile(file);

    assertThat(users.authenticate("t-carol-7f3a")).contains(new User("carol", Role.WRITER));
    assertThat(users.authenticate("t-dan-0b12")).contains(new User("dan", Role.READER));
    assertThat(users.authenticate("t-ops-9c4e")).contains(new User("ops", Role.ADMIN));
    assertThat(users.authenticate("t-carol-7f3")).as("a prefix is no token").isEmpty();
    assertThat(users.authenticate("demo-alice")).as("no demo tokens beside a file").isEmpty();
  }

  @Test
  void aBadLineNamesItsNumberButNeverItsToken() throws Exception {
    Path file = Files.writeString(tmp.resolve("tokens"), "t-ok-1 ok reader\nsecret-token-42 missing-role\n");

    assertThatThrownBy(() -> Users.fromFile(file))
        .hasMessageContaining("line 2")
        .hasMessageNotContaining("secret-token-42");
  }

  @Test
  void rolesIncludeTheLowerOnes() {
    assertThat(Role.ADMIN.includes(Role.WRITER)).isTrue();
    assertThat(Role.WRITER.includes(Role.READER)).isTrue();
    assertThat(Role.READER.includes(Role.WRITER)).isFalse();
  }
}
