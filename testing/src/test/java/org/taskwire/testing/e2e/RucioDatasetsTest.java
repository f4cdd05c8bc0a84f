package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.taskwire.FailureKind;
import org.taskwire.MapResult;
import org.taskwire.DataFile;
import org.taskwire.testing.e2e.FileSteps.Point;
import org.taskwire.testing.rucio.RucioEmulator;
import org.taskwire.testing.xrootd.XrootdStorage;
import org.taskwire.ConfigurationException;
import org.taskwire.WorkflowRun;

/** Files registered in Rucio from local workers; and a run whose Rucio is wrong does not start. */
@org.junit.jupiter.api.condition.EnabledIf(value = "org.taskwire.testing.xrootd.XrootdStorage#answersOrStarts",
    disabledReason = org.taskwire.testing.xrootd.XrootdStorage.NOT_HERE)
class RucioDatasetsTest extends RucioDatasetsContract {
  @Override
  protected WorkflowRun.Builder onBackend(WorkflowRun.Builder builder) {
    return builder.backend("local").set("taskwire.local.workers", "2");
  }

  @Test
  void aRunWithoutARucioThatAnswersOrTakesItsCredentialsDoesNotStart() {
    assertThatThrownBy(() -> run().set("taskwire.rucio.url", "http://127.0.0.1:9").start())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("cannot reach Rucio at http://127.0.0.1:9")
        .hasMessageContaining("taskwire.rucio.url");
    assertThatThrownBy(() -> run().set("taskwire.rucio.password", "wrong").start())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("401 CannotAuthenticate")
        .hasMessageContaining("taskwire.rucio.account");
    assertThatThrownBy(() -> run().set("taskwire.rucio.rse", "NOWHERE").start())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("404 RSENotFound");
    assertThatThrownBy(() -> run().set("taskwire.rucio.rse", "").start())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("taskwire.rucio.rse");
    assertThatThrownBy(() -> run().set("taskwire.rucio.password", "").start())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("taskwire.rucio.token-file");
    assertThatThrownBy(() -> run().set("taskwire.rucio.dataset", "{run}/{work}").start())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("no Rucio name");
  }

  @Test
  void aCallWhoseValuesNameAnotherCallsDatasetFailsBeforeItRunsAndTheOthersFilesAreKept() throws Exception {
    // "pi+" is written "piplus" in a Rucio name: the two points would share one dataset.
    FileStepsTasks.SliceArgs first = new FileStepsTasks.SliceArgs(new Point("pi+", 0.1), 0);
    FileStepsTasks.SliceArgs clash = new FileStepsTasks.SliceArgs(new Point("piplus", 0.1), 0);
    String runId;
    MapResult<FileStepsTasks.SliceArgs, DataFile> slices;
    try (WorkflowRun run = run().start()) {
      runId = run.runId();
      slices = FileStepsTasks.sliceMap(List.of(first, clash));
    }
    assertThat(slices.value(first)).isNotNull();
    assertThat(slices.failures()).containsOnlyKeys(clash);
    assertThat(slices.failures().get(clash).kind()).isEqualTo(FailureKind.BAD_PAYLOAD);
    assertThat(slices.failures().get(clash).getMessage())
        .contains("dataset " + runId + ".slice.particle-piplus_eta-0.1")
        .contains("Point[particle=piplus, eta=0.1]").contains("Point[particle=pi+, eta=0.1]")
        .contains("add a parameter that tells them apart");
    var journal = org.taskwire.internal.journal.RecordedRun.read(dir.resolve("runs").resolve(runId).resolve("journal.jsonl"));
    assertThat(journal.calls()).filteredOn(c -> c.failure() != null).singleElement()
        .satisfies(c -> assertThat(c.submissions()).as("it never went to a worker").isEmpty());
    assertThat(rucio.files(SCOPE, runId + ".slice.particle-piplus_eta-0.1")).hasSize(1);
  }

  @Test
  void aRunAuthenticatesWithAnX509CertificateOverHttps() throws Exception {
    var certs = org.taskwire.testing.rucio.TestCertificates.in(dir);
    var rse = RucioEmulator.StorageElement.at("TASKWIRE-XRD", java.net.URI.create(XrootdStorage.ROOT_DOOR + "rucio-tests/"),
        java.net.URI.create(XrootdStorage.HTTP_DOOR + "rucio-tests/"));
    try (RucioEmulator https = RucioEmulator.start(RucioEmulator.Settings.defaults(rse).withX509(certs.emulator()))) {
      WorkflowRun.Builder run = onBackend(FileStepsTasks.builder()).set("taskwire.runs-dir", dir.resolve("runs").toString())
          .set("taskwire.rucio.url", https.url().toString()).set("taskwire.rucio.account", "alice")
          .set("taskwire.rucio.client-cert", certs.aliceCertificate().toString())
          .set("taskwire.rucio.client-key", certs.aliceKeyPkcs1().toString())
          .set("taskwire.rucio.ca-certs", certs.authority().toString()).set("taskwire.rucio.rse", "TASKWIRE-XRD");
      String runId;
      try (WorkflowRun r = run.start()) {
        runId = r.runId();
        assertThat(FileStepsTasks.simreco(new Point("pi+", 0.1)).events().size()).isPositive();
      }
      assertThat(https.files("user.alice", runId + ".simreco")).singleElement()
          .satisfies(n -> assertThat(n).endsWith(".simreco._000001.1.my_test.txt"));
      assertThatThrownBy(() -> run.set("taskwire.rucio.client-key", dir.resolve("nowhere.pem").toString()).start())
          .isInstanceOf(ConfigurationException.class)
          .hasMessageContaining("taskwire.rucio.client-key = " + dir.resolve("nowhere.pem") + ": no such file");
      // The builder keeps what was set: put the key back, and trust the JDK's authorities only.
      run.set("taskwire.rucio.client-key", certs.aliceKeyPkcs1().toString());
      assertThatThrownBy(() -> run.set("taskwire.rucio.ca-certs", "").start())
          .isInstanceOf(ConfigurationException.class).hasMessageContaining("TLS handshake failed");
    }
  }
}
