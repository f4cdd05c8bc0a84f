package org.taskwire.testing.rucio;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.internal.data.rucio.RucioClient;
import org.taskwire.internal.data.rucio.RucioException;

/**
 * X.509 authentication over https, as against a Rucio behind mod_ssl: a certificate with its key
 * apart (PKCS#1, as OpenSSL writes it) or a proxy holding both, a subject Rucio knows no account
 * for, an authority it does not trust, and a server the client does not trust.
 */
class RucioX509Test {
  @TempDir static Path dir;
  static TestCertificates certs;
  static RucioEmulator rucio;

  @BeforeAll
  static void start() throws Exception {
    certs = TestCertificates.in(dir);
    rucio = RucioEmulator.start(RucioEmulator.Settings.defaults().withX509(certs.emulator()));
  }

  @AfterAll
  static void stop() {
    rucio.close();
  }

  @Test
  void aCertificateAndItsKeyOrAProxyGetATokenForTheirAccount() throws Exception {
    assertThat(rucio.url().getScheme()).isEqualTo("https");
    RucioClient apart = new RucioClient(rucio.url(), "alice",
        new RucioClient.Auth.X509(certs.aliceCertificate(), certs.aliceKeyPkcs1()), certs.authority());
    assertThat(apart.whoami()).isEqualTo("alice");
    // A grid CA directory: <hash>.0 files beside signing policies.
    Path caDir = Files.createDirectories(dir.resolve("certificates"));
    Files.copy(certs.authority(), caDir.resolve("5f3a2b1c.0"));
    Files.writeString(caDir.resolve("5f3a2b1c.signing_policy"), "access_id_CA X509 '/CN=Taskwire Test CA'\n");
    RucioClient proxy = new RucioClient(rucio.url(), "alice", new RucioClient.Auth.X509(certs.aliceProxy(), null), caDir);
    assertThat(proxy.whoami()).isEqualTo("alice");
  }

  @Test
  void refusalsNameTheSubjectOrTheAuthority() {
    RucioClient mallory = new RucioClient(rucio.url(), "alice", new RucioClient.Auth.X509(certs.malloryProxy(), null),
        certs.authority());
    assertThatThrownBy(mallory::whoami).isInstanceOf(RucioException.class)
        .hasMessageContaining("refused authentication with the certificate in " + certs.malloryProxy())
        .hasMessageContaining("401 IdentityError No account is associated with the identity CN=Mallory,OU=Users");
    RucioClient otherAccount = new RucioClient(rucio.url(), "bob", new RucioClient.Auth.X509(certs.aliceProxy(), null),
        certs.authority());
    assertThatThrownBy(otherAccount::whoami).isInstanceOf(RucioException.class)
        .hasMessageContaining("Cannot authenticate to account bob");
    RucioClient stranger = new RucioClient(rucio.url(), "alice", new RucioClient.Auth.X509(certs.strangerProxy(), null),
        certs.authority());
    assertThatThrownBy(stranger::whoami).isInstanceOf(RucioException.class)
        .hasMessageContaining("401 CannotAuthenticate Cannot get DN").hasMessageContaining("signed by an authority Rucio trusts");
    RucioClient untrusting = new RucioClient(rucio.url(), "alice", new RucioClient.Auth.X509(certs.aliceProxy(), null));
    assertThatThrownBy(untrusting::whoami).isInstanceOf(RucioException.class)
        .hasMessageContaining("TLS handshake failed").hasMessageContaining("taskwire.rucio.ca-certs");
  }

  @Test
  void unreadableCredentialsSayWhatIsWrong() throws Exception {
    Path encrypted = Files.writeString(dir.resolve("encrypted.pem"),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----\n");
    assertThatThrownBy(() -> new RucioClient(rucio.url(), "alice", new RucioClient.Auth.X509(certs.aliceCertificate(), encrypted)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is encrypted").hasMessageContaining("voms-proxy-init");
    assertThatThrownBy(() -> new RucioClient(rucio.url(), "alice", new RucioClient.Auth.X509(certs.aliceCertificate(), null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no PEM private key");
    assertThatThrownBy(() -> new RucioClient(rucio.url(), "alice", new RucioClient.Auth.X509(certs.aliceKeyPkcs1(), null)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("holds no PEM certificate");
  }
}
