package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.Adler32;
import org.junit.jupiter.api.Test;
import org.taskwire.AsyncMapResult;
import org.taskwire.AsyncResult;
import org.taskwire.DataFile;
import org.taskwire.FailureKind;
import org.taskwire.Grid;
import org.taskwire.In;
import org.taskwire.MapResult;
import org.taskwire.WorkFailedException;
import org.taskwire.testing.e2e.FileSteps.Point;
import org.taskwire.testing.e2e.FileSteps.Simulated;

/** Files between steps, as every backend that keeps files must run them; each subclass opens a run. */
abstract class DataFilesContract {
  /** Where the runs of these tests keep their files: a directory the test and every worker see. */
  static final Path DATA = Path.of("target", "data").toAbsolutePath();

  private static final List<Point> GRID = Grid.product(Point::new, List.of("pi+", "kaon+"), List.of(0.1, 0.2));

  private static String adler32(byte[] bytes) {
    Adler32 a = new Adler32();
    a.update(bytes);
    return String.format("%08x", a.getValue());
  }

  /** Where this backend's runs keep their files, as the start of each file's URI. */
  protected String keptUnder() {
    return DATA.toUri().toString();
  }

  /** A kept file's bytes, read from where it is kept; null when it is not there. */
  protected byte[] bytesOf(String uri) throws Exception {
    Path path = Path.of(java.net.URI.create(uri));
    return Files.exists(path) ? Files.readAllBytes(path) : null;
  }

  /** Replaces a kept file's bytes behind Taskwire's back. */
  protected void overwrite(String uri, String content) throws Exception {
    Files.writeString(Path.of(java.net.URI.create(uri)), content);
  }

  /** Removes a kept file behind Taskwire's back. */
  protected void remove(String uri) throws Exception {
    Files.delete(Path.of(java.net.URI.create(uri)));
  }


  @Test
  void filesPassOneToOneAndAllToOneAndOnlyTheirRecordTravels() throws Exception {
    AsyncMapResult<Point, Simulated> sims = FileStepsTasks.simrecoMapAsync(GRID, FileStepsTasks.SimrecoArgs::new);
    AsyncMapResult<Point, Double> anas = FileStepsTasks.anaMapAsync(GRID, p -> new FileStepsTasks.AnaIn(sims.at(p)));
    AsyncResult<DataFile> merged = FileStepsTasks.mergeAsync(sims.values());

    MapResult<Point, Double> values = anas.await();
    assertThat(values.failures()).isEmpty();
    GRID.forEach(p -> assertThat(values.value(p)).isCloseTo(p.eta() * 10, org.assertj.core.data.Offset.offset(1e-9)));

    for (Point p : GRID) {
      DataFile file = sims.await().value(p).events();
      assertThat(file.uri()).startsWith(keptUnder()).endsWith("/my_test.txt");
      assertThat(file.recorded()).isTrue();
      byte[] bytes = bytesOf(file.uri());
      assertThat(bytes).isNotNull();
      assertThat(file.size()).isEqualTo(bytes.length);
      assertThat(file.adler32()).isEqualTo(adler32(bytes));
      String scratch = file.uri().substring(0, file.uri().lastIndexOf('/') + 1) + "scratch.tmp";
      assertThat(bytesOf(scratch)).as("a created file not returned is not kept").isNull();
    }
    assertThat(GRID.stream().map(p -> sims.await().value(p).events().uri()).distinct()).as("one file per call").hasSize(4);
    DataFile sum = merged.await();
    assertThat(new String(bytesOf(sum.uri())).strip()).isEqualTo("sum=" + (1.0 + 2.0 + 1.0 + 2.0));
  }

  @Test
  void aReturnedFileTheWorkNeverWroteFailsTheCallNamingIt() {
    assertThatThrownBy(() -> FileStepsTasks.simreco(new Point("lazy", 0.1)))
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.WORK_THREW);
          assertThat(e.remoteMessage()).contains("returned data file my_test.txt but did not write it at ");
        });
  }

  @Test
  void aFileNameWithADirectoryIsRefused() {
    assertThatThrownBy(() -> FileStepsTasks.simreco(new Point("escape", 0.1)))
        .isInstanceOfSatisfying(WorkFailedException.class, e ->
            assertThat(e.remoteMessage()).contains("bad data file name '../escaped.txt': it has a directory in it"));
    assertThatThrownBy(() -> DataFile.create("here.txt")).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is for a work method while it runs");
  }

  @Test
  void anInputChangedAfterItsCallWroteItFailsTheNextStepWithBothChecksums() throws Exception {
    Point point = new Point("pi+", 0.3);
    Simulated sim = FileStepsTasks.simreco(point);
    String uri = sim.events().uri();
    String before = sim.events().adler32();
    overwrite(uri, "xyz=9.9\n");  // same size, other bytes
    String after = adler32(bytesOf(uri));

    assertThatThrownBy(() -> FileStepsTasks.ana(sim))
        .isInstanceOfSatisfying(WorkFailedException.class, e -> {
          assertThat(e.kind()).isEqualTo(FailureKind.BAD_PAYLOAD);
          assertThat(e.remoteMessage()).contains("input data file my_test.txt", "adler32 " + before, "adler32 " + after);
        });
    remove(uri);
    assertThatThrownBy(() -> FileStepsTasks.anaAsync(In.of(sim)).await())
        .isInstanceOfSatisfying(WorkFailedException.class, e ->
            assertThat(e.remoteMessage()).contains("it was removed after its call wrote it"));
  }
}
