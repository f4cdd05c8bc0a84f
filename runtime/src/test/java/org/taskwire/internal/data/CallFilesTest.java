package org.taskwire.internal.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.DataFile;

/** What a call creates, returns and takes, without a run: names, checksums, the walk, the store. */
class CallFilesTest {
  @TempDir Path dir;

  record Holder(String label, List<DataFile> files, Map<String, DataFile> named, Optional<DataFile> maybe,
      DataFile[] array, int count) {}

  private static DataFile recorded(String name) {
    return new DataFile(name, 3, "024d0127", "file:/data/" + name);
  }

  @Test
  void theWalkReplacesFilesAtAnyDepthAndLeavesTheRestAsItIs() {
    DataFile a = new DataFile("a", -1, "", "file:/x/a");
    Holder holder = new Holder("h", List.of(a, recorded("b")), Map.of("k", a), Optional.of(a), new DataFile[] {a}, 7);
    Holder out = (Holder) DataFileWalker.replace(holder, f -> f.recorded() ? f : recorded(f.name()));
    assertThat(out.files()).containsExactly(recorded("a"), recorded("b"));
    assertThat(out.named()).containsEntry("k", recorded("a"));
    assertThat(out.maybe()).contains(recorded("a"));
    assertThat(out.array()).containsExactly(recorded("a"));
    assertThat(out.label()).isEqualTo("h");
    assertThat(out.count()).isEqualTo(7);
    Holder none = new Holder("n", List.of(), Map.of(), Optional.empty(), new DataFile[0], 1);
    assertThat(DataFileWalker.replace(none, f -> recorded("z"))).as("nothing to replace: the same object").isSameAs(none);
  }

  @Test
  void namesAreCheckedAndTheChecksumIsRucios() throws Exception {
    for (String bad : List.of("", ".", "..", "../x", "a/b", "a\\b", "x\u0001", "y".repeat(256))) {
      assertThatThrownBy(() -> DataFileNames.check(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
    DataFileNames.check("my_test.root");
    Path wiki = Files.writeString(dir.resolve("w"), "Wikipedia");
    assertThat(Adler32s.of(wiki)).isEqualTo("11e60398");
    assertThat(Adler32s.hex(1)).isEqualTo("00000001");
    assertThatThrownBy(() -> new DataFile("x", 3, "", "file:/x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DataFile("x", 3, "ABCDEF01", "file:/x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DataFile("x", -1, "", "relative")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aStoreIsADirectoryOrAnHttpDoorAndSaysWhatElseToGive() {
    DataStore directory = DataStore.at(dir.toString());
    assertThat(directory).isEqualTo(new DataStore.Directory(dir));
    assertThat(DataStore.at(dir.toUri().toString())).isEqualTo(directory);
    assertThat(directory.workingDirectory("run1", "simreco", 7, 2)).isEqualTo(dir.resolve("run1/simreco/7.2"));
    assertThat(DataStore.at("http://127.0.0.1:18080/taskwire")).isEqualTo(new DataStore.WebDav("http://127.0.0.1:18080/taskwire/"));
    assertThatThrownBy(() -> DataStore.at("root://se.example.org//data"))
        .hasMessageContaining("root:// is not supported; give the storage element's HTTP door instead");
    assertThatThrownBy(() -> DataStore.at("s3://bucket/x")).hasMessageContaining("s3:// is not supported");
    assertThatThrownBy(() -> DataStore.at("https://")).isInstanceOf(IllegalArgumentException.class);
    assertThat(DataStore.fromEnvironment(Map.of())).isNull();
    assertThat(DataStore.fromEnvironment(directory.environment())).isEqualTo(directory);
    assertThat(WebDavFiles.encode("a b#c.txt")).isEqualTo("a%20b%23c.txt");
  }

  @Test
  void aCallRecordsWhatItReturnsRemovesWhatItDoesNotAndCannotReturnAFileOfAnotherCall() throws Throwable {
    CallFiles call = CallFiles.of(DataStore.at(dir.toString()), "run", "simreco", 1, 1);
    Object result = call.run(() -> {
      DataFile kept = DataFile.create("kept.txt");
      Files.writeString(kept.path(), "abc");
      DataFile dropped = DataFile.create("dropped.txt");
      Files.writeString(dropped.path(), "x");
      assertThatThrownBy(() -> DataFile.create("kept.txt")).hasMessageContaining("already created");
      return List.of(kept);
    });
    DataFile kept = ((List<?>) call.record(result)).stream().map(DataFile.class::cast).findFirst().orElseThrow();
    assertThat(kept.size()).isEqualTo(3);
    assertThat(kept.adler32()).isEqualTo("024d0127");
    assertThat(dir.resolve("run/simreco/1.1/dropped.txt")).doesNotExist();
    call.checkInputs(new Holder("in", List.of(kept), Map.of(), Optional.empty(), new DataFile[0], 0));

    CallFiles other = CallFiles.of(DataStore.at(dir.toString()), "run", "simreco", 2, 1);
    DataFile foreign = new DataFile("kept.txt", -1, "", dir.resolve("run/simreco/1.1/kept.txt").toUri().toString());
    assertThatThrownBy(() -> other.record(foreign)).hasMessageContaining("which this call did not create");
    assertThatThrownBy(() -> call.checkInputs(new Holder("in", List.of(foreign), Map.of(), Optional.empty(),
        new DataFile[0], 0))).hasMessageContaining("was never recorded");

    CallFiles failed = CallFiles.of(DataStore.at(dir.toString()), "run", "simreco", 3, 1);
    failed.run(() -> Files.writeString(DataFile.create("half.txt").path(), "partial"));
    failed.discard();
    assertThat(dir.resolve("run/simreco/3.1")).as("a failed attempt leaves nothing").doesNotExist();

    CallFiles nowhere = CallFiles.of(null, "run", "simreco", 4, 1);
    assertThatThrownBy(() -> nowhere.run(() -> DataFile.create("x"))).hasMessageContaining("without a data directory");
  }
}
