package org.taskwire.testing.panda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.internal.data.rucio.RucioClient;
import org.taskwire.testing.rucio.RucioEmulator;
import org.taskwire.testing.xrootd.XrootdStorage;

/**
 * Tasks with datasets, submitted as PanDA's client submits them (prun's templates, as iDDS's): the
 * emulator's JEDI splits events and tells each job its slice, expands an input dataset from Rucio
 * into {@code ${IN/T}}, holds a child until its parent ({@code parent_tid}) is done; its pilots
 * stage inputs in and outputs out through the XRootD element; its server registers each job's
 * outputs in their dataset and closes the datasets when the task ends.
 */
@EnabledIf(value = "org.taskwire.testing.xrootd.XrootdStorage#answersOrStarts", disabledReason = XrootdStorage.NOT_HERE)
@Timeout(120)
class PandaDatasetsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  @TempDir static Path root;
  private static RucioEmulator rucio;
  private static PandaEmulator panda;
  private static RucioClient alice;

  @BeforeAll
  static void start() throws Exception {
    rucio = RucioEmulator.start(new RucioEmulator.Settings(0, Map.of("panda", "robot", "alice", "secret"), Map.of(),
        List.of(RucioEmulator.StorageElement.at("XRD1", URI.create(XrootdStorage.ROOT_DOOR + "panda-datasets/"),
            URI.create(XrootdStorage.HTTP_DOOR + "panda-datasets/"))), Duration.ofHours(1)));
    panda = PandaEmulator.start(PandaEmulator.Settings.defaults(root.resolve("panda"))
        .withRucio(new PandaEmulator.RucioSettings(rucio.url(), "panda", "robot", "XRD1")));
    alice = new RucioClient(rucio.url(), "alice", new RucioClient.Auth.UserPass("alice", "secret"));
  }

  @AfterAll
  static void stop() {
    panda.close();
    rucio.close();
  }

  private static String enc(String command) {
    // The payload is URL-encoded as prun sends it; JEDI's placeholders stay readable for JEDI.
    return URLEncoder.encode(command, StandardCharsets.UTF_8).replace("+", "%20")
        .replaceAll("%24%7B([A-Z/]+)%7D", "\\${$1}");
  }

  private static Map<String, Object> task(String name, String command, String outputFile) {
    Map<String, Object> t = new HashMap<>();
    t.put("taskName", name);
    t.put("vo", "wlcg");
    t.put("prodSourceLabel", "user");
    t.put("architecture", "");
    t.put("transUses", "");
    t.put("transHome", null);
    t.put("processingType", "panda-client");
    String lfn = name + ".$JEDITASKID._${SN/P}." + outputFile;
    List<Object> params = new ArrayList<>();
    params.add(Map.of("type", "constant", "value", "-j \"\" -p \"" + enc(command) + "\""));
    params.add(Map.of("type", "constant", "value", "-o \"{'" + outputFile + "': '" + lfn + "'}\""));
    params.add(Map.of("type", "template", "param_type", "output", "dataset", name + "/", "container", name + "/",
        "value", lfn, "hidden", true));
    t.put("jobParameters", params);
    return t;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> withInput(Map<String, Object> task, String dataset) {
    List<Object> params = new ArrayList<>((List<Object>) task.get("jobParameters"));
    params.add(1, Map.of("type", "template", "param_type", "input", "dataset", dataset, "value", "-i \"${IN/T}\"",
        "expand", true, "exclude", "\\.log\\.tgz(\\.\\d+)*$"));
    task.put("jobParameters", params);
    task.put("dsForIN", dataset);
    return task;
  }

  /** One job over pseudo input, never retried. */
  private static Map<String, Object> oneShot(Map<String, Object> task) {
    task.put("noInput", true);
    task.put("nEvents", 1);
    task.put("maxAttempt", 1);
    return task;
  }

  private static long submit(Map<String, Object> task, Long parent) throws Exception {
    Map<String, Object> body = new HashMap<>();
    body.put("task_parameters", task);
    if (parent != null) {
      body.put("parent_tid", parent);
    }
    HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(panda.url().resolve("/api/v1/task/submit"))
        .header("Content-Type", "application/json").header("Accept", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode answer = JSON.readTree(r.body());
    assertThat(answer.path("success").asBoolean()).as(r.body()).isTrue();
    return answer.path("data").asLong();
  }

  private static String awaitFinal(long task) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      String s = panda.taskStatus(task);
      if (s != null && Jedi.FINAL_TASK.contains(s)) {
        return s;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("task " + task + " stayed " + panda.taskStatus(task));
  }

  private static String diagnose(long task) {
    StringBuilder b = new StringBuilder("task " + task + ": " + panda.taskErrorDialog(task));
    for (Jedi.JobRecord j : panda.jobs(task)) {
      b.append("; job ").append(j.pandaId).append(' ').append(j.status).append(' ').append(j.pilotErrorCode).append(' ')
          .append(j.pilotErrorDiag).append(' ').append(j.exeErrorDiag).append(" [").append(j.jobParameters).append(']');
    }
    return b.toString();
  }

  private static String content(String scope, String lfn) throws Exception {
    RucioClient.Replica replica = alice.replicas(scope, lfn, List.of("http")).get(0);
    return HTTP.send(HttpRequest.newBuilder(URI.create(replica.pfns().get(0))).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void eventSplitJobsFillADatasetThatTheChildTaskReadsOnceItsParentIsDone() throws Exception {
    Map<String, Object> sim = task("user.alice.sim", "echo first=${FIRSTEVENT} skip=${SKIPEVENTS} max=${MAXEVENTS} > my_test.txt",
        "my_test.txt");
    sim.put("noInput", true);
    sim.put("nEvents", 200);
    sim.put("nEventsPerJob", 100);
    long parent = submit(sim, null);
    long child = submit(withInput(task("user.alice.ana", "cat $(echo %IN | tr , ' ') > merged.txt", "merged.txt"), "user.alice.sim"), parent);

    // Every look while the parent has not ended finds the child held back, never running.
    List<String> seen = new ArrayList<>();
    while (!Jedi.FINAL_TASK.contains(String.valueOf(panda.taskStatus(parent)))) {
      seen.add(panda.taskStatus(child));
      Thread.sleep(20);
    }
    assertThat(seen).isNotEmpty().allMatch(s -> s.equals("waiting") || s.equals("registered"));
    assertThat(awaitFinal(parent)).as(diagnose(parent)).isEqualTo("done");
    assertThat(awaitFinal(child)).as(diagnose(child)).isEqualTo("done");

    assertThat(rucio.files("user.alice", "user.alice.sim")).containsExactlyInAnyOrder(
        "user.alice.sim." + parent + "._000001.my_test.txt", "user.alice.sim." + parent + "._000002.my_test.txt");
    assertThat(rucio.isOpen("user.alice", "user.alice.sim")).as("closed when the task ended").isFalse();
    assertThat(content("user.alice", "user.alice.sim." + parent + "._000001.my_test.txt")).isEqualTo("first=1 skip=0 max=100\n");
    assertThat(content("user.alice", "user.alice.sim." + parent + "._000002.my_test.txt")).isEqualTo("first=101 skip=100 max=100\n");
    List<String> merged = rucio.files("user.alice", "user.alice.ana");
    assertThat(merged).as("one job over both files").containsExactly("user.alice.ana." + child + "._000001.merged.txt");
    assertThat(content("user.alice", merged.get(0))).isEqualTo("first=1 skip=0 max=100\nfirst=101 skip=100 max=100\n");
    assertThat(rucio.isOpen("user.alice", "user.alice.ana")).isFalse();
  }

  @Test
  void aChildOfAFailedParentBreaksAndAnUnknownInputDatasetBreaksItsTask() throws Exception {
    long parent = submit(oneShot(task("user.alice.bad", "exit 3", "out.txt")), null);
    long child = submit(withInput(task("user.alice.after", "cat %IN", "x.txt"), "user.alice.bad"), parent);
    assertThat(awaitFinal(parent)).isEqualTo("failed");
    assertThat(awaitFinal(child)).isEqualTo("broken");
    assertThat(panda.taskErrorDialog(child)).isEqualTo("parent task " + parent + " failed to complete");

    long orphan = submit(withInput(task("user.alice.orphan", "cat %IN", "y.txt"), "user.alice.nosuch"), null);
    assertThat(awaitFinal(orphan)).isEqualTo("broken");
    assertThat(panda.taskErrorDialog(orphan)).contains("UnknownDatasetError: user.alice.nosuch");
  }

  @Test
  void aJobThatDoesNotWriteItsDeclaredOutputFailsNamingIt() throws Exception {
    long task = submit(oneShot(task("user.alice.lazy", "echo nothing", "promised.txt")), null);
    assertThat(awaitFinal(task)).isEqualTo("failed");
    Jedi.JobRecord job;
    synchronized (panda) {
      job = panda.jobs(task).get(0);
    }
    assertThat(job.pilotErrorCode).isEqualTo(1165);
    assertThat(job.pilotErrorDiag).isEqualTo("Expected output file user.alice.lazy." + task + "._000001.promised.txt does not exist");
    assertThat(rucio.files("user.alice", "user.alice.lazy")).isEmpty();
  }
}
