package com.englog.examples.springboot;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;

/**
 * Prints the {@code {bcrypt}} hash of the password read from standard input, for a line of the users
 * file ({@code name:<hash>}); the password never appears on a command line.
 *
 * <pre>printf %s "$PASSWORD" | java -cp 'target/englog-spring-boot-example.jar:target/lib/*' com.englog.examples.springboot.HashPassword</pre>
 */
public final class HashPassword {

  private HashPassword() {}

  public static void main(String[] args) throws IOException {
    String password = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (password == null || password.isEmpty()) {
      System.err.println("usage: printf %s \"$PASSWORD\" | java ... HashPassword");
      System.exit(2);
    }
    System.out.println(PasswordEncoderFactories.createDelegatingPasswordEncoder().encode(password));
  }
}
