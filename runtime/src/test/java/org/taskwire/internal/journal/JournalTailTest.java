package org.taskwire.internal.journal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.ConfigurationException;

/** A journal followed as it grows: each poll gives the new complete lines only, a torn one when it is whole. */
class JournalTailTest {
  @TempDir Path dir;

  private static String line(JournalRecord r) throws Exception {
    return JournalWriter.MAPPER.writeValueAsString(r) + "\n";
  }

  private static void append(Path file, String text) throws Exception {
    Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  @Test
  void eachPollAppliesOnlyTheLinesWrittenSinceTheLast() throws Exception {
    Path file = dir.resolve("journal.jsonl");
    append(file, line(new JournalRecord.RunStarted("r1", "demo.Flow", "flow", "local", 1L, 2L, "class", Map.of(),
        Map.of(), null)) + line(new JournalRecord.CallDeclared(1, "k/1", "demo.Flow#f", 1, List.of())));
    JournalTail tail = new JournalTail(file);
    assertThat(tail.poll()).hasSize(2);
    assertThat(tail.run().calls()).hasSize(1);
    assertThat(tail.poll()).as("nothing new").isEmpty();

    String submitted = line(new JournalRecord.CallSubmitted(1, 1, Map.of("system", "local")));
    String declared = line(new JournalRecord.CallDeclared(2, "k/2", "demo.Flow#g", 2, List.of(1L)));
    // A line torn in the middle of a multi-byte character waits until it is whole.
    String failed = line(new JournalRecord.CallFailed(2, 1, "REMOTE", "x.Boom", "<script>é</script>", "", null, null));
    int cut = failed.indexOf('é') + 1;
    append(file, submitted + declared + failed.substring(0, cut));
    List<JournalRecord> fresh = tail.poll();
    assertThat(fresh).hasSize(2).first().isInstanceOf(JournalRecord.CallSubmitted.class);
    assertThat(tail.run().calls()).hasSize(2);
    assertThat(tail.run().calls().iterator().next().submissions()).hasSize(1);
    append(file, failed.substring(cut));
    assertThat(tail.poll()).singleElement().isInstanceOfSatisfying(JournalRecord.CallFailed.class,
        f -> assertThat(f.message()).isEqualTo("<script>é</script>"));
    assertThat(tail.run().calls()).filteredOn(c -> c.failure() != null).hasSize(1);
  }

  /** A view skips the results it never shows; a reader that needs them keeps them, as the whole-journal reader does. */
  @Test
  void resultsAreSkippedUnlessAskedFor() throws Exception {
    Path file = dir.resolve("journal.jsonl");
    List<JournalRecord.KeptFile> files = List.of(new JournalRecord.KeptFile("out.root", 12, "0badc0de", "file:///d/out.root"));
    append(file, line(new JournalRecord.RunStarted("r1", "demo.Flow", "flow", "local", 1L, 2L, "class", Map.of(),
        Map.of(), null)) + line(new JournalRecord.CallDeclared(1, "k/1", "demo.Flow#f", 1, List.of()))
        + line(new JournalRecord.CallSucceeded(1, 1, "kryo", new byte[] {7, 8, 9}, files)));
    JournalTail view = new JournalTail(file);
    view.poll();
    assertThat(view.run().byKey("k/1").success().result()).isNull();
    assertThat(view.run().byKey("k/1").success().files()).isEqualTo(files);
    JournalTail reader = new JournalTail(file, true);
    reader.poll();
    assertThat(reader.run().byKey("k/1").success().result()).containsExactly(7, 8, 9);
    assertThat(RecordedRun.read(file).byKey("k/1").success().result()).containsExactly(7, 8, 9);
  }

  @Test
  void aDamagedLineOrAMissingJournalIsNamed() throws Exception {
    assertThatThrownBy(() -> new JournalTail(dir.resolve("none.jsonl")).poll()).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("no run journal at");
    Path file = dir.resolve("journal.jsonl");
    append(file, line(new JournalRecord.RunStarted("r1", "demo.Flow", "flow", "local", 1L, 2L, "class", Map.of(),
        Map.of(), null)) + "{not json}\n");
    assertThatThrownBy(() -> new JournalTail(file).poll()).isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("line 2 is not a Taskwire journal record");
  }
}
