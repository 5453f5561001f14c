package com.englog.observability.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for a TLS server on loopback (a Redis {@code tls-port}, an HTTPS stub),
 * made with the JDK's own {@code keytool}, so no other tool is needed: the certificate and its private
 * key as PEM files for the server, an {@link SSLContext} that trusts exactly this certificate for
 * the client, and one that presents it for a JDK server ({@link #serverContext}).
 *
 * <pre>{@code
 * SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "127.0.0.1");
 * RedisServer redis = RedisServer.builder().tls(cert).start();
 * SSLSocketFactory trusting = cert.trustingContext().getSocketFactory();
 * }</pre>
 */
public final class SelfSignedCertificate {

  private static final char[] PASSWORD = "changeit".toCharArray();

  private final Path certificatePem;
  private final Path privateKeyPem;
  private final Certificate certificate;
  private final KeyStore keyStore;

  private SelfSignedCertificate(Path certificatePem, Path privateKeyPem, Certificate certificate, KeyStore keyStore) {
    this.certificatePem = certificatePem;
    this.privateKeyPem = privateKeyPem;
    this.certificate = certificate;
    this.keyStore = keyStore;
  }

  /**
   * Creates {@code certificate.pem} and {@code private-key.pem} (PKCS#8) in {@code dir}, valid for a
   * day, for {@code ipAddress} as the subject alternative name (the only name a client may use).
   */
  public static SelfSignedCertificate create(Path dir, String ipAddress) {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    Path store = dir.resolve("certificate.p12");
    ToolRun run = ToolRun.run(List.of(keytool.toString(), "-genkeypair", "-alias", "server",
        "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "1",
        "-dname", "CN=" + ipAddress, "-ext", "san=ip:" + ipAddress,
        "-keystore", store.toString(), "-storetype", "PKCS12",
        "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)), null, Duration.ofSeconds(60));
    if (run.exitCode() != 0) {
      throw new AssertionError("keytool could not create a certificate: " + run.describe());
    }
    try (InputStream in = Files.newInputStream(store)) {
      KeyStore keyStore = KeyStore.getInstance("PKCS12");
      keyStore.load(in, PASSWORD);
      Certificate certificate = keyStore.getCertificate("server");
      PrivateKey key = (PrivateKey) keyStore.getKey("server", PASSWORD);
      Path certificatePem = dir.resolve("certificate.pem");
      Path privateKeyPem = dir.resolve("private-key.pem");
      Files.writeString(certificatePem, pem("CERTIFICATE", certificate.getEncoded()));
      Files.writeString(privateKeyPem, pem("PRIVATE KEY", key.getEncoded()));
      return new SelfSignedCertificate(certificatePem, privateKeyPem, certificate, keyStore);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read the certificate keytool made", e);
    }
  }

  /** The certificate, PEM. */
  public Path certificatePem() {
    return certificatePem;
  }

  /** The private key, PEM (unencrypted PKCS#8). */
  public Path privateKeyPem() {
    return privateKeyPem;
  }

  /** A client context that trusts this certificate and nothing else. */
  public SSLContext trustingContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a trusting SSLContext", e);
    }
  }

  /**
   * A server context presenting this certificate; with {@code trustedClient} non-null it trusts that
   * client certificate (and nothing else), for a server that requires mutual TLS.
   */
  public SSLContext serverContext(SelfSignedCertificate trustedClient) {
    try {
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(keyStore, PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), trustedClient == null ? null : trustedClient.trustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot build a server SSLContext", e);
    }
  }

  private TrustManager[] trustManagers() throws GeneralSecurityException {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("server", certificate);
      TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      factory.init(trust);
      return factory.getTrustManagers();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }
}
