package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.AsyncMapResult;
import org.taskwire.In;
import org.taskwire.MapResult;
import org.taskwire.WorkflowRun;
import org.taskwire.testing.e2e.Steps.Point;
import org.taskwire.testing.slurm.SlurmCluster;

/**
 * {@code taskwire.ui=true} on a run of each kind of backend: local worker JVMs, a real Slurm (its
 * jobs, and pilots), and the PanDA emulator. The same two-step fan-out with one failing parent
 * runs on each; its page, while the run is open, shows the steps and their edge, the failure with
 * its own log lines fetched from where the backend keeps them, the task stream with a row per
 * worker, pilot or job, and the backend's task handles.
 */
@Timeout(300)
class DashboardBackendsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ADDRESS = Pattern.compile("http://127\\.0\\.0\\.1:(\\d+)/runs/\\S+\\?token=(\\w+)");
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void aLocalRun() throws Exception {
    checkPage(StepsTasks.builder().backend("local").set("taskwire.local.workers", "2"), "worker \\d+ \\(pid \\d+\\)",
        null);
  }

  @Test
  @EnabledIf(value = "org.taskwire.testing.slurm.SlurmCluster#answersOrStarts", disabledReason = SlurmCluster.NOT_HERE)
  void aSlurmRunOfJobs() throws Exception {
    // A call whose result came before its job was seen running is known by its array job alone.
    checkPage(slurm("jobs"), "Slurm (job \\d+_\\d+|task \\S+)", "Slurm task \\S+");
  }

  @Test
  @EnabledIf(value = "org.taskwire.testing.slurm.SlurmCluster#answersOrStarts", disabledReason = SlurmCluster.NOT_HERE)
  void aSlurmRunOfPilots() throws Exception {
    checkPage(slurm("pilots"), "pilot \\S+ on \\S+", null);
  }

  @Test
  void aPandaRun() throws Exception {
    try (EmulatedPanda panda = EmulatedPanda.start(dir)) {
      checkPage(StepsTasks.builder().backend("panda")
          .set("taskwire.panda.url", panda.emulator.url().toString())
          .set("taskwire.panda.auth", "oidc")
          .set("taskwire.panda.vo", "wlcg")
          .set("taskwire.panda.id-token", EmulatedPanda.TOKEN)
          .set("taskwire.panda.poll-interval", "PT0.3S")
          .set("taskwire.panda.result-grace", "1s")
          .set("taskwire.sandbox.cache-dir", dir.resolve("sandboxes").toString()), "PanDA job \\d+", "PanDA task \\d+");
    }
  }

  private static WorkflowRun.Builder slurm(String mode) {
    return StepsTasks.builder().backend("slurm").set("taskwire.slurm.mode", mode)
        .set("taskwire.slurm.poll-interval", "PT0.5S").set("taskwire.slurm.result-grace", "2s")
        .set("taskwire.slurm.shared-dir", Path.of("target", "slurm").toAbsolutePath().toString());
  }

  /**
   * Runs the fan-out with the dashboard on, and checks its page's view while the run is open.
   *
   * @param lane what each task stream row must look like
   * @param handle what each task's handle must look like, or null for a backend that names none
   */
  private void checkPage(WorkflowRun.Builder builder, String lane, String handle) throws Exception {
    Path gate = java.nio.file.Files.createDirectories(dir.resolve("gate"));
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    PrintStream err = System.err;
    System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
    WorkflowRun run;
    JsonNode open;
    try {
      run = builder.set("taskwire.runs-dir", dir.resolve("runs").toString()).set("taskwire.progress", "off")
          .set("taskwire.ui", "true").start();
    } finally {
      System.setErr(err);
    }
    try (run) {
      Matcher address = ADDRESS.matcher(said.toString(StandardCharsets.UTF_8));
      assertThat(address.find()).as("the address printed: %s", said).isTrue();
      List<Point> grid = List.of(new Point("pi+", 0.1), new Point("fail", 0.2), new Point("kaon+", 0.3));
      AsyncMapResult<Point, Double> parents =
          StepsTasks.parentMapAsync(grid, p -> new StepsTasks.ParentArgs(p, gate.toString()));
      MapResult<Point, Double> children = StepsTasks.childMapAsync(grid,
          p -> new StepsTasks.ChildIn(In.of(p), parents.at(p), In.of(gate.toString()))).await();
      assertThat(children.successes()).hasSize(2);

      // The journal is written behind the calls' results (and the count of calls waiting for their
      // inputs at most every 250 ms): the page has them once its lines are.
      JsonNode view = get(address, "/api/runs/" + run.runId(), JsonNode.class);
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
      while (view.get("summary").get("succeeded").asInt() + view.get("summary").get("failed").asInt()
          + view.get("summary").get("notRun").asInt() < 6 || view.get("summary").get("pending").asInt() > 0) {
        assertThat(System.nanoTime()).as("the page never showed the ended calls: %s", view).isLessThan(deadline);
        Thread.sleep(100);
        view = get(address, "/api/runs/" + run.runId(), JsonNode.class);
      }
      assertThat(view.get("summary").get("state").asText()).isEqualTo("running");
      Map<String, JsonNode> steps = new java.util.HashMap<>();
      view.get("steps").forEach(s -> steps.put(s.get("work").asText(), s));
      assertThat(steps.get("parent").get("succeeded").asInt()).isEqualTo(2);
      assertThat(steps.get("parent").get("failed").asInt()).isEqualTo(1);
      assertThat(steps.get("child").get("succeeded").asInt()).isEqualTo(2);
      assertThat(steps.get("child").get("notRun").asInt()).as("the failed parent's child").isEqualTo(1);
      assertThat(view.get("edges").toString()).isEqualTo("[{\"from\":\"parent\",\"to\":\"child\"}]");

      JsonNode failure = view.get("failures").get(0);
      assertThat(failure.get("work").asText()).isEqualTo("parent");
      assertThat(failure.get("message").asText()).contains("no detector response");
      String log = get(address, "/api/runs/" + run.runId() + "/calls/" + failure.get("callId").asLong() + "/log",
          String.class);
      assertThat(log).as("the failed call's log, from where its backend keeps it").contains("no detector response");

      // The task stream: the four successes and the failure, each on a row of what ran it.
      JsonNode stream = view.get("stream");
      List<String> lanes = new ArrayList<>();
      stream.get("lanes").forEach(l -> lanes.add(l.asText()));
      assertThat(lanes).isNotEmpty().allSatisfy(l -> assertThat(l).matches(lane + "( · \\d+)?"));
      assertThat(stream.get("bars")).hasSize(5);
      int failed = 0;
      for (JsonNode bar : stream.get("bars")) {
        assertThat(bar.get(2).asLong()).as("a call ends after it starts: %s", bar).isGreaterThanOrEqualTo(bar.get(1).asLong());
        failed += bar.get(5).asInt();
      }
      assertThat(failed).isEqualTo(1);
      List<String> works = new ArrayList<>();
      stream.get("works").forEach(w -> works.add(w.asText()));
      assertThat(works).containsExactlyInAnyOrder("parent", "child");
      if (handle != null) {
        List<String> handles = new ArrayList<>();
        view.get("tasks").forEach(t -> t.get("handles").forEach(h -> handles.add(h.asText())));
        assertThat(handles).isNotEmpty().allSatisfy(h -> assertThat(h).matches(handle));
      }
      open = view;
    }
    // The run ended: a dashboard started afterwards (as taskwire ui) shows it the same, closed.
    try (org.taskwire.dashboard.Dashboard later = org.taskwire.dashboard.Dashboard.start(dir.resolve("runs"))) {
      Matcher address = ADDRESS.matcher("http://127.0.0.1:" + later.port() + "/runs/" + run.runId() + "?token="
          + later.token());
      assertThat(address.find()).isTrue();
      JsonNode closed = get(address, "/api/runs/" + run.runId(), JsonNode.class);
      assertThat(closed.get("summary").get("state").asText()).isEqualTo("closed");
      assertThat(closed.get("steps")).isEqualTo(open.get("steps"));
      assertThat(closed.get("stream").get("bars")).isEqualTo(open.get("stream").get("bars"));
      assertThat(closed.get("failures")).isEqualTo(open.get("failures"));
    }
  }

  private <T> T get(Matcher address, String path, Class<T> type) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + address.group(1) + path))
        .header("X-Taskwire-Token", address.group(2)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return type == String.class ? type.cast(r.body()) : JSON.readValue(r.body(), type);
  }
}
