package org.taskwire.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.ConfigurationException;
import org.taskwire.FailureKind;
import org.taskwire.internal.call.RemoteError;

/** The journal on disk: what is written reads back, a crash's torn tail is forgiven, damage is named. */
class JournalTest {
  @TempDir Path dir;

  private static JournalRecord.RunStarted start() {
    return new JournalRecord.RunStarted("r1", "demo.Flow", "flow", "local", 1L, 2L, "class",
        Map.of("demo.Flow", "abc"), Map.of("taskwire.backend", "local"), null);
  }

  private Path journal(JournalRecord... records) throws Exception {
    RunDirectory run = RunDirectory.create(dir, "r1");
    try (RunJournal journal = new RunJournal(JournalWriter.open(run.journal()))) {
      for (JournalRecord r : records) {
        journal.append(r);
      }
    }
    return run.journal();
  }

  @Test
  void recordsReadBackAsWrittenInAPrivateDirectory() throws Exception {
    Path file = journal(start(), new JournalRecord.CallDeclared(1, "k/0", "demo.Flow#f", 1, List.of()),
        new JournalRecord.CallSubmitted(1, 1, Map.of("system", "PanDA", "task", "42")),
        new JournalRecord.CallSucceeded(1, 1, "kryo", new byte[] {1, 2, 3}),
        new JournalRecord.CallDeclared(2, "k2/0", "demo.Flow#f", 1, List.of()),
        new JournalRecord.CallFailed(2, 3, "WORK_THREW", "java.lang.X", "boom", "at x", "/log", "detail"),
        new JournalRecord.CallDeclared(3, "k3/0", "demo.Flow#sim", 1, List.of()),
        new JournalRecord.CallSucceeded(3, 1, "kryo", new byte[] {4}, List.of(new JournalRecord.KeptFile("out.root", 12,
            "0badc0de", "file:/data/r/sim/3.1/out.root")), 1_700_000_000_000L, 1_700_000_000_250L),
        new JournalRecord.DatasetOpened(8, "sim", "https://rucio", "user.x", "r.sim", "XRD1"),
        new JournalRecord.DatasetClosed(9, "user.x", "r.sim"),
        new JournalRecord.RunClosed(9, 0));
    assertThat(new JournalTail(file, true).poll()).hasSize(11);
    RecordedRun run = RecordedRun.read(file);
    assertThat(run.start()).isEqualTo(start());
    assertThat(run.byKey("k/0").success().result()).containsExactly(1, 2, 3);
    assertThat(run.byKey("k/0").submissions().get(0).handle()).containsEntry("task", "42");
    assertThat(run.byKey("k2/0").failure().message()).isEqualTo("boom");
    assertThat(run.byKey("k/0").success().files()).as("a work that returns no file").isNull();
    assertThat(run.byKey("k3/0").success().files()).containsExactly(new JournalRecord.KeptFile("out.root", 12, "0badc0de",
        "file:/data/r/sim/3.1/out.root"));
    assertThat(run.byKey("k3/0").success().startedAt()).as("when it ran, streamed").isEqualTo(1_700_000_000_000L);
    assertThat(run.byKey("k3/0").success().finishedAt()).isEqualTo(1_700_000_000_250L);
    assertThat(run.byKey("k/0").success().finishedAt()).as("unknown, and not written").isZero();
    assertThat(Files.readString(file)).contains("\"finishedAt\":1700000000250").doesNotContain("\"finishedAt\":0");
    assertThat(run.datasets()).singleElement().satisfies(d -> assertThat(d.rse()).isEqualTo("XRD1"));
    assertThat(run.datasetClosed("user.x:r.sim")).isTrue();
    assertThat(run.closed()).isNotNull();
    assertThat(run.maxCallId()).isEqualTo(3);
    assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
    assertThat(Files.getPosixFilePermissions(file.getParent())).isEqualTo(PosixFilePermissions.fromString("rwx------"));
  }

  @Test
  void aTornLastLineIsIgnoredOnReadAndCutOffBeforeTheNextAppend() throws Exception {
    Path file = journal(start(), new JournalRecord.CallDeclared(1, "k/0", "demo.Flow#f", 1, List.of()));
    Files.writeString(file, "{\"type\":\"call-succeeded\",\"callId\":1,\"att", StandardCharsets.UTF_8,
        java.nio.file.StandardOpenOption.APPEND);
    assertThat(new JournalTail(file, true).poll()).hasSize(2);
    try (RunJournal journal = new RunJournal(JournalWriter.open(file))) {
      journal.succeeded(1, 1, "kryo", new byte[0]);
    }
    assertThat(Files.readAllLines(file)).hasSize(3);
    assertThat(RecordedRun.read(file).byKey("k/0").success()).isNotNull();
  }

  @Test
  void aDamagedOrForeignLineIsNamedByFileAndLine() throws Exception {
    Path file = journal(start(), new JournalRecord.CallDeclared(1, "k/0", "demo.Flow#f", 1, List.of()));
    List<String> lines = Files.readAllLines(file);
    Files.write(file, List.of(lines.get(0), "{\"type\":\"no-such-record\"}", lines.get(1)));
    assertThatThrownBy(() -> RecordedRun.read(file)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining(file + " line 2 is not a Taskwire journal record");
    Files.write(file, List.of("{\"name\":\"something else\"}"));
    assertThatThrownBy(() -> RecordedRun.read(file)).hasMessageContaining(file + " line 1");
    Files.write(file, List.of(lines.get(0), "{\"type\":\"call-succeeded\",\"callId\":7,\"attempt\":1}"));
    assertThatThrownBy(() -> RecordedRun.read(file)).hasMessageContaining("line 2 is about call 7, which the journal "
        + "never declared");
    Files.write(file, List.of(lines.get(0), "", lines.get(1)));
    assertThatThrownBy(() -> RecordedRun.read(file)).hasMessageContaining("line 2").hasMessageContaining("empty line");
  }

  @Test
  void aRunIsFoundByPrefixOrLastAndAnAmbiguousPrefixIsRefused() throws Exception {
    for (String id : List.of("aaa111", "aaa222", "bbb333")) {
      RunDirectory run = RunDirectory.create(dir, id);
      try (RunJournal journal = new RunJournal(JournalWriter.open(run.journal()))) {
        journal.append(start());
      }
    }
    assertThat(RunDirectory.find(dir, "bbb").runId()).isEqualTo("bbb333");
    assertThat(RunDirectory.find(dir, "aaa2").runId()).isEqualTo("aaa222");
    assertThatThrownBy(() -> RunDirectory.find(dir, "aaa")).hasMessageContaining("'aaa' is the start of 2 run ids");
    assertThatThrownBy(() -> RunDirectory.find(dir, "ccc")).hasMessageContaining("no run in");
  }

  @Test
  void aFailureIsRecordedWithItsWholeError() throws Exception {
    RunDirectory run = RunDirectory.create(dir, "r1");
    try (RunJournal journal = new RunJournal(JournalWriter.open(run.journal()))) {
      journal.append(start());
      journal.declared(1, "k/0", "demo.Flow#f", 1, java.util.List.of());
      long before = System.currentTimeMillis();
      journal.failed(1, 2, new RemoteError(FailureKind.WORKER_LOST, null, "died", "", "/tmp/w.log", "PanDA job 9"), 1234);
      journal.flush();
      JournalRecord.CallFailed failed = RecordedRun.read(run.journal()).byKey("k/0").failure();
      assertThat(failed.finishedAt()).isBetween(before, System.currentTimeMillis());
      assertThat(failed).isEqualTo(new JournalRecord.CallFailed(1, 2, "WORKER_LOST", null, "died", "", "/tmp/w.log",
          "PanDA job 9", 1234, failed.finishedAt()));
    }
  }
}
