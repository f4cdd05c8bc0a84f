package org.taskwire.internal.backend.panda;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.taskwire.spi.JobOptions;

class TaskParametersTest {
  private static TaskParameters parameters(JobOptions options) {
    return new TaskParameters("taskwire.wf.w.abc.1", "wlcg", "https://cache:25443", "sources.h.tar.gz",
        List.of("classpath/0-a.jar", "classpath/1-b b.jar"), List.of("c1.AAA", "c2"), "sources.taskwire-calls.x.json.gz",
        "run-1", "org.x.Wf#w", "kryo", "TASKWIRE_RUN_X", options, "-XX:+UseSerialGC", "", "@el9",
        "http://se:18080/taskwire/", 1L << 30);
  }

  @Test
  void optionsMapToTaskParameters() {
    JobOptions o = JobOptions.builder().cores(4).memoryMb(8000).walltime(Duration.ofMinutes(90)).maxAttempts(5)
        .queue("BNL_Q").containerImage("docker://eclipse-temurin:17").initEnv("source /cvmfs/setup.sh").build()
        .inheritFrom(JobOptions.BUILT_IN);
    Map<String, Object> p = parameters(o).toMap();
    assertThat(p).containsEntry("coreCount", 4).containsEntry("ramCount", 2000).containsEntry("ramUnit", "MBPerCoreFixed")
        .containsEntry("walltime", 5400L).containsEntry("maxWalltime", 2).containsEntry("maxAttempt", 5)
        .containsEntry("maxFailure", 5).containsEntry("site", "BNL_Q")
        .containsEntry("container_name", "docker://eclipse-temurin:17").containsEntry("nFiles", 2)
        .containsEntry("pfnList", List.of("c1.AAA", "c2")).containsEntry("useSecrets", true);
    String command = parameters(o).command();
    assertThat(command).startsWith("source /cvmfs/setup.sh; command -v java")
        .contains("-Xmx6000m", "--job-call %IN", "--calls sources.taskwire-calls.x.json.gz",
            "--transport-from TASKWIRE_RUN_X", "'classpath/0-a.jar:classpath/1-b b.jar'", "exit 19",
            "--data-url 'http://se:18080/taskwire/' --data-max-file-size 1073741824");
  }

  @Test
  void theExecStringIsQuotedAsPythonQuotesIt() {
    assertThat(TaskParameters.pythonQuote("a b+c/%IN'\"é")).isEqualTo("a%20b%2Bc/%25IN%27%22%C3%A9");
  }

  @Test
  void aPkcs1RsaKeyIsReadAfterWrapping() throws Exception {
    var pair = KeyPairGenerator.getInstance("RSA").generateKeyPair();
    byte[] pkcs8 = pair.getPrivate().getEncoded();
    // The PKCS#1 key is the OCTET STRING at the end of the PKCS#8 structure.
    byte[] pkcs1 = Arrays.copyOfRange(pkcs8, pkcs8.length - pkcs1Length(pkcs8), pkcs8.length);
    var key = (RSAPrivateCrtKey) KeyFactory.getInstance("RSA")
        .generatePrivate(new PKCS8EncodedKeySpec(PandaHttp.pkcs1ToPkcs8(pkcs1)));
    assertThat(key.getModulus()).isEqualTo(((RSAPrivateCrtKey) pair.getPrivate()).getModulus());
  }

  /** The length of the PKCS#1 body: the last TLV of the PKCS#8 sequence (OCTET STRING, long form). */
  private static int pkcs1Length(byte[] pkcs8) {
    for (int i = 0; i < pkcs8.length - 4; i++) {
      if (pkcs8[i] == 0x04 && (pkcs8[i + 1] & 0xff) == 0x82) {
        int len = ((pkcs8[i + 2] & 0xff) << 8) | (pkcs8[i + 3] & 0xff);
        if (i + 4 + len == pkcs8.length) {
          return len;
        }
      }
    }
    throw new AssertionError("no trailing octet string");
  }
}
