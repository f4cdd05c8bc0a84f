package org.taskwire.internal.net;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * X.509 credentials in the PEM files the grid keeps them in: a certificate and its key (the key in
 * the same file for a proxy, as {@code voms-proxy-init} writes {@code /tmp/x509up_u<uid>}), and the
 * certificates to trust (a file, or a directory such as {@code /etc/grid-security/certificates}).
 * The JDK reads the certificates and PKCS#8 keys; a PKCS#1 RSA key ({@code BEGIN RSA PRIVATE KEY},
 * what OpenSSL 1 and VOMS write) is wrapped into PKCS#8 first.
 */
public final class Pem {
  private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \\1-----", Pattern.DOTALL);

  /** An SSL context and the trust it checks servers with. */
  public record Tls(SSLContext context, X509TrustManager trust) {}

  private Pem() {}

  /** The certificates in a file, in order (a proxy's chain: the proxy first). */
  public static List<X509Certificate> certificates(Path file) {
    List<X509Certificate> out = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      Matcher m = BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
      while (m.find()) {
        if (m.group(1).equals("CERTIFICATE")) {
          out.add((X509Certificate) factory.generateCertificate(new ByteArrayInputStream(decode(m.group(2)))));
        }
      }
    } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
      throw new IllegalArgumentException("cannot read the certificates in " + file + ": " + e.getMessage(), e);
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException(file + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
    }
    return out;
  }

  /** The private key in a file: PKCS#8, or a PKCS#1 RSA key. An encrypted key is refused, saying how to decrypt it. */
  public static PrivateKey privateKey(Path file) {
    try {
      Matcher m = BLOCK.matcher(Files.readString(file, StandardCharsets.US_ASCII));
      while (m.find()) {
        switch (m.group(1)) {
          case "PRIVATE KEY":
            return pkcs8(decode(m.group(2)));
          case "RSA PRIVATE KEY":
            if (m.group(2).contains("ENCRYPTED")) {
              throw encrypted(file);
            }
            return pkcs8(rsaPkcs1ToPkcs8(decode(m.group(2))));
          case "ENCRYPTED PRIVATE KEY":
            throw encrypted(file);
          default:
            break;
        }
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot read the private key in " + file + ": " + e.getMessage(), e);
    }
    throw new IllegalArgumentException(file + " holds no PEM private key (-----BEGIN PRIVATE KEY----- or "
        + "-----BEGIN RSA PRIVATE KEY-----)");
  }

  /**
   * TLS with a client certificate (or none) and the servers to trust.
   *
   * @param certificate the client's certificate chain, or null for none
   * @param key its private key, or null when it is in {@code certificate} (a proxy)
   * @param trusted a PEM file or a directory of them to trust exclusively, or null for the JDK's
   */
  public static Tls tls(Path certificate, Path key, Path trusted) {
    try {
      javax.net.ssl.KeyManager[] keys = null;
      if (certificate != null) {
        List<X509Certificate> chain = certificates(certificate);
        PrivateKey privateKey = privateKey(key != null ? key : certificate);
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("client", privateKey, new char[0], chain.toArray(new X509Certificate[0]));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, new char[0]);
        keys = kmf.getKeyManagers();
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      if (trusted == null) {
        tmf.init((KeyStore) null);
      } else {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int i = 0;
        for (Path file : trustFiles(trusted)) {
          for (X509Certificate c : certificates(file)) {
            store.setCertificateEntry("ca" + i++, c);
          }
        }
        tmf.init(store);
      }
      X509TrustManager trust = (X509TrustManager) tmf.getTrustManagers()[0];
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, new javax.net.ssl.TrustManager[] {trust}, null);
      return new Tls(context, trust);
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot set up TLS with " + certificate + ": " + e.getMessage(), e);
    }
  }

  private static List<Path> trustFiles(Path trusted) throws IOException {
    if (!Files.isDirectory(trusted)) {
      return List.of(trusted);
    }
    try (Stream<Path> files = Files.list(trusted)) {
      // A grid CA directory holds <hash>.0 and <name>.pem for each authority, beside policies and CRLs.
      List<Path> out = files.filter(f -> f.getFileName().toString().matches(".*\\.(pem|crt|\\d+)$"))
          .filter(Pem::holdsCertificate).sorted().toList();
      if (out.isEmpty()) {
        throw new IllegalArgumentException(trusted + " holds no certificates (*.pem, *.crt or <hash>.0)");
      }
      return out;
    }
  }

  private static boolean holdsCertificate(Path file) {
    try {
      return Files.readString(file, StandardCharsets.US_ASCII).contains("-----BEGIN CERTIFICATE-----");
    } catch (IOException | java.io.UncheckedIOException e) {
      return false;
    }
  }

  private static IllegalArgumentException encrypted(Path file) {
    return new IllegalArgumentException("the private key in " + file + " is encrypted; Taskwire reads an unencrypted "
        + "key, as a grid proxy is: make a proxy (voms-proxy-init), or decrypt a copy readable only by you with "
        + "openssl pkey -in key.pem -out key-plain.pem");
  }

  private static byte[] decode(String base64) {
    return Base64.getMimeDecoder().decode(base64.strip());
  }

  private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
    PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
    GeneralSecurityException last = null;
    for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(spec);
      } catch (GeneralSecurityException e) {
        last = e;
      }
    }
    throw last;
  }

  /** PKCS#1's RSAPrivateKey inside PKCS#8's PrivateKeyInfo: version 0, rsaEncryption with NULL parameters, the key as an OCTET STRING. */
  private static byte[] rsaPkcs1ToPkcs8(byte[] pkcs1) {
    byte[] algorithm = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01,
        0x05, 0x00};
    byte[] version = {0x02, 0x01, 0x00};
    byte[] octets = tlv(0x04, pkcs1);
    byte[] body = new byte[version.length + algorithm.length + octets.length];
    System.arraycopy(version, 0, body, 0, version.length);
    System.arraycopy(algorithm, 0, body, version.length, algorithm.length);
    System.arraycopy(octets, 0, body, version.length + algorithm.length, octets.length);
    return tlv(0x30, body);
  }

  private static byte[] tlv(int tag, byte[] value) {
    int n = value.length;
    byte[] length = n < 0x80 ? new byte[] {(byte) n}
        : n < 0x100 ? new byte[] {(byte) 0x81, (byte) n}
        : n < 0x10000 ? new byte[] {(byte) 0x82, (byte) (n >> 8), (byte) n}
        : new byte[] {(byte) 0x83, (byte) (n >> 16), (byte) (n >> 8), (byte) n};
    byte[] out = new byte[1 + length.length + n];
    out[0] = (byte) tag;
    System.arraycopy(length, 0, out, 1, length.length);
    System.arraycopy(value, 0, out, 1 + length.length, n);
    return out;
  }
}
