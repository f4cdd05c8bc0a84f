package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.MapResult;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.e2e.FileSteps.Point;
import org.taskwire.testing.e2e.FileSteps.Simulated;

/** A resumed run takes the recorded calls whose files are still kept, and runs again those whose files are gone. */
class DataFilesResumeTest {
  @TempDir Path dir;

  private WorkflowRun.Builder run() {
    return FileStepsTasks.builder().backend("local").set("taskwire.local.workers", "1")
        .set("taskwire.runs-dir", dir.resolve("runs").toString()).set("taskwire.data.url", dir.resolve("data").toString());
  }

  @Test
  void aCallWhoseFileIsGoneRunsAgainAndOneWhoseFileIsKeptDoesNot() throws Exception {
    Point gone = new Point("pi+", 0.1);
    Point kept = new Point("kaon+", 0.2);
    List<Point> grid = List.of(gone, kept);
    String runId;
    MapResult<FileStepsTasks.SimrecoArgs, Simulated> first;
    FileStepsTasks.SimrecoArgs goneCall = new FileStepsTasks.SimrecoArgs(gone);
    FileStepsTasks.SimrecoArgs keptCall = new FileStepsTasks.SimrecoArgs(kept);
    try (WorkflowRun run = run().start()) {
      runId = run.runId();
      first = FileStepsTasks.simrecoMap(grid.stream().map(FileStepsTasks.SimrecoArgs::new).toList());
    }
    Path gonePath = first.value(goneCall).events().path();
    Path keptPath = first.value(keptCall).events().path();
    Files.delete(gonePath);
    // Back-dated, so that a rewrite of the kept file, even within the same second, would show.
    FileTime then = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
    Files.setLastModifiedTime(keptPath, then);

    try (WorkflowRun run = run().resume(runId).start()) {
      MapResult<FileStepsTasks.SimrecoArgs, Simulated> second =
          FileStepsTasks.simrecoMap(grid.stream().map(FileStepsTasks.SimrecoArgs::new).toList());
      assertThat(second.failures()).isEmpty();
      assertThat(second.value(keptCall)).as("taken from the journal").isEqualTo(first.value(keptCall));
      assertThat(Files.getLastModifiedTime(keptPath)).as("the kept file's call did not run again").isEqualTo(then);
      assertThat(gonePath).as("the gone file's call ran again and wrote it anew").exists();
      assertThat(second.value(goneCall).events().adler32()).isEqualTo(first.value(goneCall).events().adler32());
      assertThat(FileStepsTasks.ana(second.value(goneCall))).isEqualTo(1.0);
    }
  }
}
