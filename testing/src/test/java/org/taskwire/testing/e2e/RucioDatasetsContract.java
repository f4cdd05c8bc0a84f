package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Adler32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.DataFile;
import org.taskwire.MapResult;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.e2e.FileSteps.Point;
import org.taskwire.testing.e2e.FileSteps.Simulated;
import org.taskwire.testing.rucio.RucioEmulator;
import org.taskwire.testing.xrootd.XrootdStorage;

/**
 * A run whose files are registered in Rucio (the emulator), kept on the XRootD storage element
 * Rucio knows as {@code TASKWIRE-XRD}: each work's files land in its dataset under prun-style names,
 * at the paths Rucio's deterministic names give, and Rucio's replicas are the very bytes the work
 * wrote, read back over the element's own door. A subclass says which backend runs the works.
 */
@Timeout(180)
abstract class RucioDatasetsContract {
  static final String SCOPE = "user.taskwire";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  static RucioEmulator rucio;

  @TempDir Path dir;

  @BeforeAll
  static void startRucio() {
    rucio = RucioEmulator.start(RucioEmulator.Settings.defaults(RucioEmulator.StorageElement.at("TASKWIRE-XRD",
        URI.create(XrootdStorage.ROOT_DOOR + "rucio-tests/"), URI.create(XrootdStorage.HTTP_DOOR + "rucio-tests/"))));
  }

  @AfterAll
  static void stopRucio() {
    rucio.close();
  }

  /** The run's builder with its backend set. */
  protected abstract WorkflowRun.Builder onBackend(WorkflowRun.Builder builder);

  WorkflowRun.Builder run() {
    return onBackend(FileStepsTasks.builder()).set("taskwire.runs-dir", dir.resolve("runs").toString())
        .set("taskwire.rucio.url", rucio.url().toString()).set("taskwire.rucio.account", "taskwire")
        .set("taskwire.rucio.password", "secret").set("taskwire.rucio.rse", "TASKWIRE-XRD");
  }

  @Test
  void eachWorksFilesFormItsDatasetWhoseReplicasAreTheBytesTheWorkWrote() throws Exception {
    List<Point> grid = List.of(new Point("pi+", 0.1), new Point("kaon+", 0.2), new Point("e-", 0.3));
    String runId;
    DataFile merged;
    MapResult<Point, Simulated> simulated;
    try (WorkflowRun run = run().start()) {
      runId = run.runId();
      simulated = FileStepsTasks.simrecoMap(grid, FileStepsTasks.SimrecoArgs::new);
      assertThat(simulated.failures()).isEmpty();
      // The next step reads the files where Rucio has them.
      assertThat(FileStepsTasks.ana(simulated.value(grid.get(2)))).isEqualTo(3.0);
      Map<Point, Simulated> all = new LinkedHashMap<>();
      grid.forEach(p -> all.put(p, simulated.value(p)));
      merged = FileStepsTasks.merge(all);
      assertThat(rucio.isOpen(SCOPE, runId + ".simreco")).as("open while the run is").isTrue();
    }
    assertThat(rucio.collections(SCOPE)).contains(runId + ".simreco", runId + ".merge");
    List<String> names = rucio.files(SCOPE, runId + ".simreco");
    assertThat(names).hasSize(3).allMatch(n -> n.matches(java.util.regex.Pattern.quote(runId) + "\\.simreco\\._\\d{6}\\.1\\.my_test\\.txt"));
    assertThat(rucio.files(SCOPE, runId + ".merge")).singleElement().satisfies(n -> assertThat(n).endsWith(".1.merged.txt"));
    assertThat(rucio.isOpen(SCOPE, runId + ".simreco")).as("closed when the run ended complete").isFalse();

    // Rucio's replicas, read as any Rucio client would: the PFN it gives, the bytes there, their adler32.
    Map<String, String> pfnByName = new LinkedHashMap<>();
    for (JsonNode f : listReplicas(runId + ".simreco")) {
      f.path("pfns").fieldNames().forEachRemaining(pfn -> {
        if (pfn.startsWith("http")) {
          pfnByName.put(f.path("name").asText(), pfn);
        }
      });
      byte[] bytes = get(pfnByName.get(f.path("name").asText()));
      Adler32 a = new Adler32();
      a.update(bytes);
      assertThat(String.format("%08x", a.getValue())).isEqualTo(f.path("adler32").asText());
      assertThat((long) bytes.length).isEqualTo(f.path("bytes").asLong());
    }
    for (Point p : grid) {
      assertThat(pfnByName).containsValue(simulated.value(p).events().uri());
    }
    assertThat(new String(get(merged.uri()))).isEqualTo("sum=6.0\n");
  }

  @Test
  void aWorksOwnTemplateMakesADatasetPerGridPoint() throws Exception {
    List<Point> grid = List.of(new Point("pi+", 0.1), new Point("kaon+", 0.2));
    List<FileStepsTasks.SliceArgs> slices = new ArrayList<>();
    grid.forEach(p -> List.of(0, 1).forEach(i -> slices.add(new FileStepsTasks.SliceArgs(p, i))));
    String runId;
    try (WorkflowRun run = run().start()) {
      runId = run.runId();
      assertThat(FileStepsTasks.sliceMap(slices).failures()).isEmpty();
    }
    for (String point : List.of("particle-piplus_eta-0.1", "particle-kaonplus_eta-0.2")) {
      String dataset = runId + ".slice." + point;
      List<String> names = rucio.files(SCOPE, dataset);
      assertThat(names).as(dataset).hasSize(2).allMatch(n -> n.endsWith(".1.slice.txt"));
      assertThat(rucio.isOpen(SCOPE, dataset)).as("closed when the run ended complete").isFalse();
      for (JsonNode f : listReplicas(dataset)) {
        List<String> pfns = new ArrayList<>();
        f.path("pfns").fieldNames().forEachRemaining(pfns::add);
        String pfn = pfns.stream().filter(u -> u.startsWith("http")).findFirst().orElseThrow();
        assertThat(new String(get(pfn))).as("%s holds only its point's slices", dataset)
            .startsWith(grid.get(point.startsWith("particle-pi") ? 0 : 1).toString());
      }
    }
    assertThat(rucio.collections(SCOPE)).noneMatch(d -> d.equals(runId + ".slice"));
  }

  @Test
  void aDatasetWithAFailedCallStaysOpenAndTheResumedRunCompletesItWithoutRegisteringTwice() throws Exception {
    String runId;
    try (WorkflowRun run = run().start()) {
      runId = run.runId();
      MapResult<Point, Simulated> first = FileStepsTasks.simrecoMap(List.of(new Point("pi+", 0.1), new Point("lazy", 0.2)),
          FileStepsTasks.SimrecoArgs::new);
      assertThat(first.failures()).hasSize(1);
    }
    assertThat(rucio.files(SCOPE, runId + ".simreco")).hasSize(1);
    assertThat(rucio.isOpen(SCOPE, runId + ".simreco")).as("a failed call leaves it open").isTrue();
    try (WorkflowRun run = run().resume(runId).start()) {
      MapResult<Point, Simulated> second = FileStepsTasks.simrecoMap(List.of(new Point("pi+", 0.1), new Point("kaon+", 0.2)),
          FileStepsTasks.SimrecoArgs::new);
      assertThat(second.failures()).isEmpty();
    }
    assertThat(rucio.files(SCOPE, runId + ".simreco")).as("the recorded call's file once, the new call's file").hasSize(2);
    assertThat(rucio.isOpen(SCOPE, runId + ".simreco")).isFalse();
  }

  private static List<JsonNode> listReplicas(String dataset) throws Exception {
    HttpResponse<String> auth = HTTP.send(HttpRequest.newBuilder(rucio.url().resolve("/auth/userpass"))
        .header("X-Rucio-Username", "taskwire").header("X-Rucio-Password", "secret").GET().build(),
        HttpResponse.BodyHandlers.ofString());
    String token = auth.headers().firstValue("X-Rucio-Auth-Token").orElseThrow();
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(rucio.url().resolve("/replicas/list"))
        .header("X-Rucio-Auth-Token", token).POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(
            Map.of("dids", List.of(Map.of("scope", SCOPE, "name", dataset)))))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    List<JsonNode> out = new ArrayList<>();
    for (String line : r.body().split("\n")) {
      if (!line.isBlank()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  private static byte[] get(String uri) throws Exception {
    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(URI.create(uri)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as("GET %s", uri).isEqualTo(200);
    return r.body();
  }
}
