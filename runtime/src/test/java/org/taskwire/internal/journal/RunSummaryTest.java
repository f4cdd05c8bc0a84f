package org.taskwire.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.ConfigurationException;

/** A run's summary, kept beside its journal while the journal does not change, and never for an open run. */
class RunSummaryTest {
  @TempDir Path runs;

  private static void write(Path journal, JournalRecord... records) throws Exception {
    try (JournalWriter w = JournalWriter.open(journal)) {
      for (JournalRecord r : records) {
        w.append(r);
      }
    }
  }

  @Test
  void aClosedRunsSummaryIsKeptUntilItsJournalChanges() throws Exception {
    RunDirectory dir = RunDirectory.create(runs, "r1");
    write(dir.journal(), new JournalRecord.RunStarted("r1", "demo.Flow", "flow", "local", 1_780_000_000_000L, 1L,
        "class", Map.of(), Map.of(), null), new JournalRecord.CallDeclared(1, "k/1", "demo.Flow#f", 1, List.of()),
        new JournalRecord.CallSucceeded(1, 1, "json", new byte[] {'1'}), new JournalRecord.RunClosed(2, 0));
    RunView.Summary first = RunView.summary(dir);
    assertThat(first.state()).isEqualTo("closed");
    assertThat(first.succeeded()).isEqualTo(1);
    Path kept = dir.path().resolve(RunView.SUMMARY_FILE);
    assertThat(kept).exists();

    // The journal's bytes replaced by others of the same size and time: the kept summary is what is read.
    FileTime time = Files.getLastModifiedTime(dir.journal());
    long size = Files.size(dir.journal());
    Files.writeString(dir.journal(), "x".repeat((int) size));
    Files.setLastModifiedTime(dir.journal(), time);
    assertThat(RunView.summary(dir)).isEqualTo(first);

    // A changed journal is read again.
    Files.writeString(dir.journal(), "{\"type\":\"nonsense\"}\n", java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> RunView.summary(dir)).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("is not a Taskwire journal record");
  }

  @Test
  void anOpenRunIsReadFromItsJournalEveryTimeAndItsSummaryNotKept() throws Exception {
    RunDirectory dir = RunDirectory.create(runs, "r2");
    write(dir.journal(), new JournalRecord.RunStarted("r2", "demo.Flow", "flow", "local", 1_780_000_000_000L, 1L,
        "class", Map.of(), Map.of(), null), new JournalRecord.CallDeclared(1, "k/1", "demo.Flow#f", 1, List.of()));
    dir.lock();
    try {
      assertThat(RunView.summary(dir).state()).isEqualTo("running");
      assertThat(dir.path().resolve(RunView.SUMMARY_FILE)).doesNotExist();
    } finally {
      dir.close();
    }
    assertThat(RunView.summary(dir).state()).as("its client gone without closing it").isEqualTo("interrupted");
    assertThat(dir.path().resolve(RunView.SUMMARY_FILE)).exists();
  }
}
