package org.taskwire.internal.backend.panda;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.net.Http;

/**
 * The HTTP client for PanDA: server certificates checked against the JDK's CAs plus those in
 * {@code X509_CERT_DIR} (unless {@code taskwire.panda.verify-tls=false}), and with X509
 * authentication the proxy file as client certificate, as curl's {@code --cert}/{@code --key}.
 */
final class PandaHttp {
  private static final Pattern PEM =
      Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

  private PandaHttp() {}

  static OkHttpClient client(PandaSettings settings) {
    OkHttpClient.Builder builder = Http.shared().newBuilder()
        .connectTimeout(Duration.ofSeconds(30))
        .readTimeout(Duration.ofMinutes(10))
        .writeTimeout(Duration.ofMinutes(10));
    if (!"https".equals(settings.server().getScheme()) && !"https".equals(settings.cache().getScheme())) {
      return builder.build();
    }
    try {
      X509TrustManager trust = settings.verifyTls() ? trustManager(settings.x509CertDir()) : trustAll();
      KeyManager[] keys = settings.auth() == PandaSettings.Auth.X509 ? keyManagers(settings.x509Proxy()) : null;
      SSLContext tls = SSLContext.getInstance("TLS");
      tls.init(keys, new TrustManager[] {trust}, null);
      builder.sslSocketFactory(tls.getSocketFactory(), trust);
      if (!settings.verifyTls()) {
        builder.hostnameVerifier((host, session) -> true);
      }
      return builder.build();
    } catch (GeneralSecurityException | IOException e) {
      throw new ConfigurationException("cannot set up TLS for PanDA: " + e.getMessage(), e);
    }
  }

  /** The proxy file: certificates (the proxy first, then its chain) and the private key, in PEM. */
  static KeyManager[] keyManagers(Path proxy) throws GeneralSecurityException, IOException {
    if (!Files.isReadable(proxy)) {
      throw new ConfigurationException("X509 authentication needs a proxy, and " + proxy + " is not readable: create "
          + "one with voms-proxy-init, set X509_USER_PROXY (or taskwire.panda.x509-proxy), or use PANDA_AUTH=oidc");
    }
    String text = Files.readString(proxy, StandardCharsets.US_ASCII);
    List<Certificate> chain = new ArrayList<>();
    PrivateKey key = null;
    CertificateFactory certificates = CertificateFactory.getInstance("X.509");
    Matcher m = PEM.matcher(text);
    while (m.find()) {
      byte[] der = Base64.getMimeDecoder().decode(m.group(2));
      switch (m.group(1)) {
        case "CERTIFICATE" -> chain.add(certificates.generateCertificate(new ByteArrayInputStream(der)));
        case "PRIVATE KEY" -> key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        case "RSA PRIVATE KEY" -> key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs1ToPkcs8(der)));
        default -> { }
      }
    }
    if (key == null || chain.isEmpty()) {
      throw new ConfigurationException(proxy + " holds no " + (key == null ? "private key" : "certificate")
          + "; is it an X509 proxy?");
    }
    X509Certificate first = (X509Certificate) chain.get(0);
    if (first.getNotAfter().toInstant().isBefore(java.time.Instant.now())) {
      throw new ConfigurationException("the X509 proxy " + proxy + " expired at " + first.getNotAfter()
          + "; renew it with voms-proxy-init");
    }
    KeyStore store = KeyStore.getInstance("PKCS12");
    store.load(null, null);
    char[] password = new char[0];
    store.setKeyEntry("proxy", key, password, chain.toArray(new Certificate[0]));
    KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(store, password);
    return factory.getKeyManagers();
  }

  /**
   * Wraps a PKCS#1 RSA key (what {@code voms-proxy-init} writes) in a PKCS#8 envelope, which is
   * all the JDK reads: SEQUENCE { version 0, AlgorithmIdentifier rsaEncryption, OCTET STRING key }.
   */
  static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01,
        0x01, 0x05, 0x00};
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = concat(new byte[] {0x04}, length(pkcs1.length), pkcs1);
    byte[] body = concat(version, algorithm, octets);
    return concat(new byte[] {0x30}, length(body.length), body);
  }

  private static byte[] length(int n) {
    if (n < 0x80) {
      return new byte[] {(byte) n};
    }
    if (n < 0x100) {
      return new byte[] {(byte) 0x81, (byte) n};
    }
    if (n < 0x10000) {
      return new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n};
    }
    return new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
  }

  private static byte[] concat(byte[]... parts) {
    int size = 0;
    for (byte[] p : parts) {
      size += p.length;
    }
    byte[] out = new byte[size];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** The JDK's CAs plus the grid CAs in the certificate directory, when it exists. */
  static X509TrustManager trustManager(Path certDir) throws GeneralSecurityException, IOException {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    jdk.init((KeyStore) null);
    int n = 0;
    for (TrustManager tm : jdk.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        for (X509Certificate ca : x.getAcceptedIssuers()) {
          store.setCertificateEntry("jdk-" + n++, ca);
        }
      }
    }
    if (certDir != null && Files.isDirectory(certDir)) {
      CertificateFactory certificates = CertificateFactory.getInstance("X.509");
      try (Stream<Path> files = Files.list(certDir)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".pem") || p.getFileName().toString().matches(".*\\.\\d+"))
            .toList()) {
          try (var in = Files.newInputStream(f)) {
            for (Certificate c : certificates.generateCertificates(in)) {
              store.setCertificateEntry("grid-" + n++, c);
            }
          } catch (GeneralSecurityException | IOException e) {
            // Not a certificate (CRLs and signing policies live there too).
          }
        }
      }
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(store);
    for (TrustManager tm : factory.getTrustManagers()) {
      if (tm instanceof X509TrustManager x) {
        return x;
      }
    }
    throw new GeneralSecurityException("no X509 trust manager");
  }

  private static X509TrustManager trustAll() {
    return new X509TrustManager() {
      @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
      @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
      @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    };
  }
}
