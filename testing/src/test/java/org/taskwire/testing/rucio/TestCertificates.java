package org.taskwire.testing.rucio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import okhttp3.tls.HeldCertificate;

/**
 * An authority, a server certificate for {@code 127.0.0.1} and client certificates it signed, as PEM
 * files in a directory: what a Rucio behind mod_ssl and its users hold.
 */
public record TestCertificates(Path authority, Path serverCertificate, Path serverKey, Path aliceCertificate,
    Path aliceKeyPkcs1, Path aliceProxy, Path malloryProxy, Path strangerProxy) {

  /** Alice's subject, as the server reads it (RFC 2253). */
  public static final String ALICE = "CN=Alice,OU=Users";

  public static TestCertificates in(Path dir) throws IOException {
    HeldCertificate ca = new HeldCertificate.Builder().certificateAuthority(0).commonName("Taskwire Test CA")
        .organizationalUnit("EIC").duration(1, java.util.concurrent.TimeUnit.DAYS).rsa2048().build();
    HeldCertificate server = new HeldCertificate.Builder().signedBy(ca).commonName("127.0.0.1")
        .addSubjectAlternativeName("127.0.0.1").addSubjectAlternativeName("localhost").rsa2048().build();
    HeldCertificate alice = client(ca, "Alice");
    HeldCertificate mallory = client(ca, "Mallory");
    HeldCertificate otherCa = new HeldCertificate.Builder().certificateAuthority(0).commonName("Elsewhere CA").build();
    HeldCertificate stranger = client(otherCa, "Alice");
    return new TestCertificates(
        write(dir.resolve("ca.pem"), ca.certificatePem()),
        write(dir.resolve("server.pem"), server.certificatePem()),
        write(dir.resolve("server-key.pem"), server.privateKeyPkcs8Pem()),
        write(dir.resolve("alice.pem"), alice.certificatePem()),
        write(dir.resolve("alice-key.pem"), alice.privateKeyPkcs1Pem()),
        write(dir.resolve("x509up_alice"), alice.certificatePem() + alice.privateKeyPkcs8Pem()),
        write(dir.resolve("x509up_mallory"), mallory.certificatePem() + mallory.privateKeyPkcs8Pem()),
        write(dir.resolve("x509up_stranger"), stranger.certificatePem() + stranger.privateKeyPkcs8Pem()));
  }

  /** The emulator's https settings, knowing Alice as the account {@code alice}. */
  public RucioEmulator.X509 emulator() {
    return new RucioEmulator.X509(serverCertificate, serverKey, authority, Map.of(ALICE, "alice"));
  }

  private static HeldCertificate client(HeldCertificate ca, String name) {
    return new HeldCertificate.Builder().signedBy(ca).commonName(name).organizationalUnit("Users")
        .duration(1, java.util.concurrent.TimeUnit.DAYS).rsa2048().build();
  }

  private static Path write(Path file, String pem) throws IOException {
    Files.writeString(file, pem);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    return file;
  }
}
