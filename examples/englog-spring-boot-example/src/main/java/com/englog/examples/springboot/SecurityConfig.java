package com.englog.examples.springboot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.core.userdetails.UserDetailsService;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Spring Security in front of the API: HTTP Basic against the users of a file, {@code /health*} and
 * {@code /metrics} left to their own access rules (the health servlet's details protection, the scrape
 * endpoint's bearer token). The EngLog filter runs before this chain, so a request Spring Security
 * rejects is still counted ({@code REJECTED}, 401), logged and traced.
 */
@Configuration
class SecurityConfig {

  @Bean
  SecurityFilterChain securityFilterChain(HttpSecurity http) throws Exception {
    return http
        .authorizeHttpRequests(requests -> requests
            .requestMatchers("/health", "/health/**", "/metrics").permitAll()
            .anyRequest().authenticated())
        .httpBasic(Customizer.withDefaults())
        .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
        .build();
  }

  /**
   * Users from {@code englog.example.users-file}: one {@code name:{bcrypt}hash} line each (the hash in
   * Spring Security's delegating format, never a plain password). No file, no users: every API request
   * is refused.
   */
  @Bean
  UserDetailsService users(@Value("${englog.example.users-file:}") String usersFile) {
    List<UserDetails> users = new ArrayList<>();
    if (!usersFile.isBlank()) {
      try {
        for (String line : Files.readAllLines(Path.of(usersFile))) {
          int colon = line.indexOf(':');
          if (colon > 0 && !line.isBlank() && !line.startsWith("#")) {
            users.add(User.withUsername(line.substring(0, colon)).password(line.substring(colon + 1).strip())
                .roles("USER").build());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read englog.example.users-file " + usersFile, e);
      }
    }
    return new InMemoryUserDetailsManager(users);
  }
}
