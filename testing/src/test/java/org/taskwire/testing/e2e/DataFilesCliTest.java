package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.DataFile;
import org.taskwire.MapResult;
import org.taskwire.WorkflowRun;
import org.taskwire.cli.TaskwireCli;
import org.taskwire.testing.e2e.FileSteps.Point;
import org.taskwire.testing.e2e.FileSteps.Simulated;
import org.taskwire.testing.rucio.RucioEmulator;
import org.taskwire.testing.xrootd.XrootdStorage;

/**
 * {@code taskwire show} lists each step's files and datasets from the journal; {@code taskwire gc}
 * removes a removed run's files on this machine, deletes what it kept on a storage element only when
 * asked, and never what it registered in Rucio.
 */
@Timeout(180)
class DataFilesCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final List<Point> GRID = List.of(new Point("pi+", 0.1), new Point("kaon+", 0.2));

  @TempDir Path dir;

  private record Result(int code, String out, String err) {
    JsonNode json() throws Exception {
      return JSON.readTree(out);
    }
  }

  private static Result taskwire(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = TaskwireCli.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    return new Result(code, out.toString(), err.toString());
  }

  /** A run of the files workflow: two simulations and their merge; the merge's file. */
  private static String filesRun(WorkflowRun.Builder builder, DataFile[] merged) {
    try (WorkflowRun run = builder.set("taskwire.local.workers", "2").set("taskwire.progress", "off").start()) {
      MapResult<Point, Simulated> sims = FileStepsTasks.simrecoMap(GRID, FileStepsTasks.SimrecoArgs::new);
      assertThat(sims.failures()).isEmpty();
      merged[0] = FileStepsTasks.merge(Map.of(GRID.get(0), sims.value(GRID.get(0)), GRID.get(1), sims.value(GRID.get(1))));
      return run.runId();
    }
  }

  private static void age(Path runs, String runId) throws Exception {
    Files.setLastModifiedTime(runs.resolve(runId).resolve("journal.jsonl"), FileTime.from(Instant.now().minus(Duration.ofDays(40))));
  }

  @Test
  void showListsEachStepsFilesAndGcRemovesAnOldRunsDataDirectoryOnly() throws Exception {
    Path runs = dir.resolve("runs");
    Path data = dir.resolve("data");
    DataFile[] merged = new DataFile[1];
    WorkflowRun.Builder b = FileStepsTasks.builder().backend("local").set("taskwire.runs-dir", runs.toString())
        .set("taskwire.data.url", data.toString());
    String old = filesRun(b, merged);
    String young = filesRun(FileStepsTasks.builder().backend("local").set("taskwire.runs-dir", runs.toString())
        .set("taskwire.data.url", data.toString()), new DataFile[1]);

    Result show = taskwire("show", old, "--runs-dir", runs.toString());
    assertThat(show.code()).as(show.err()).isZero();
    assertThat(show.out()).contains("files:").containsPattern("simreco +2 files, \\d+ B, in " + data.resolve(old) + "/")
        .containsPattern("merge +1 files, \\d+ B, in " + data.resolve(old) + "/").doesNotContain("datasets:");
    JsonNode files = taskwire("show", old, "--json", "--runs-dir", runs.toString()).json().get("files");
    assertThat(files).hasSize(2);
    assertThat(files.get(0).get("work").asText()).isEqualTo("simreco");
    assertThat(files.get(0).get("bytes").asLong()).isEqualTo(2 * "xyz=1.0\n".length());

    age(runs, old);
    Result gc = taskwire("gc", "--json", "--runs-dir", runs.toString());
    assertThat(gc.code()).as(gc.err()).isZero();
    assertThat(gc.json().get("removed").findValuesAsText("path")).contains(data.resolve(old).toString(), runs.resolve(old).toString());
    assertThat(data.resolve(old)).doesNotExist();
    assertThat(data.resolve(young)).isDirectory();
    assertThat(runs.resolve(young)).isDirectory();
  }

  @Test
  @EnabledIf(value = "org.taskwire.testing.xrootd.XrootdStorage#answersOrStarts", disabledReason = XrootdStorage.NOT_HERE)
  void gcDeletesFilesOnAStorageElementOnlyWhenAskedAndNeverThoseRegisteredInRucio() throws Exception {
    Path runs = dir.resolve("runs");
    DataFile[] onElement = new DataFile[1];
    String plain = filesRun(FileStepsTasks.builder().backend("local").set("taskwire.runs-dir", runs.toString())
        .set("taskwire.data.url", XrootdStorage.HTTP_DOOR + "gc-tests/"), onElement);
    DataFile[] inRucio = new DataFile[1];
    String registered;
    try (RucioEmulator rucio = RucioEmulator.start(RucioEmulator.Settings.defaults(RucioEmulator.StorageElement.at("XRD1",
        URI.create(XrootdStorage.HTTP_DOOR + "rucio-gc-tests/"))))) {
      registered = filesRun(FileStepsTasks.builder().backend("local").set("taskwire.runs-dir", runs.toString())
          .set("taskwire.rucio.url", rucio.url().toString()).set("taskwire.rucio.account", "taskwire")
          .set("taskwire.rucio.password", "secret").set("taskwire.rucio.rse", "XRD1"), inRucio);
      Result show = taskwire("show", registered, "--runs-dir", runs.toString());
      assertThat(show.out()).contains("datasets:")
          .contains("user.taskwire:" + registered + ".simreco (simreco) on XRD1 at " + rucio.url() + ", closed: 2 files")
          .contains("in " + XrootdStorage.HTTP_DOOR.replace("/taskwire/", "/"));
    }
    assertThat(status(onElement[0].uri())).isEqualTo(200);
    age(runs, plain);
    age(runs, registered);

    Result keep = taskwire("gc", "--dry-run", "--runs-dir", runs.toString());
    assertThat(keep.out()).contains("kept 3 file(s) those runs published on storage elements; --storage-elements deletes them");
    assertThat(status(onElement[0].uri())).isEqualTo(200);

    Result all = taskwire("gc", "--storage-elements", "--json", "--runs-dir", runs.toString());
    assertThat(all.code()).as(all.err()).isZero();
    assertThat(all.json().get("removed").findValuesAsText("kind")).filteredOn("file on a storage element"::equals).hasSize(3);
    assertThat(status(onElement[0].uri())).as("deleted when asked").isEqualTo(404);
    assertThat(status(inRucio[0].uri())).as("Rucio's rules decide").isEqualTo(200);
  }

  private static int status(String uri) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create(uri)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
  }
}
