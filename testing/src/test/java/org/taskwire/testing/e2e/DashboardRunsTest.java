package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.ConfigurationException;
import org.taskwire.WorkflowRun;

/** The dashboard over real runs: served by a running client ({@code taskwire.ui=true}) and by {@code taskwire ui}. */
@Timeout(180)
class DashboardRunsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ADDRESS = Pattern.compile("(http://127\\.0\\.0\\.1:(\\d+)/\\S*\\?token=(\\w+))");
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  private JsonNode api(String port, String token, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("X-Taskwire-Token", token).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void aRunWithUiTrueServesItsOwnPageWhileItIsOpen() throws Exception {
    Path runs = dir.resolve("runs");
    ByteArrayOutputStream said = new ByteArrayOutputStream();
    PrintStream err = System.err;
    System.setErr(new PrintStream(said, true, StandardCharsets.UTF_8));
    WorkflowRun run;
    try {
      run = ProbeTasks.builder().backend("local").set("taskwire.local.workers", "1").set("taskwire.runs-dir", runs.toString())
          .set("taskwire.progress", "off").set("taskwire.ui", "true").start();
    } finally {
      System.setErr(err);
    }
    try (run) {
      String printed = said.toString(StandardCharsets.UTF_8);
      Matcher m = ADDRESS.matcher(printed);
      assertThat(m.find()).as("the address printed: %s", printed).isTrue();
      assertThat(m.group(1)).contains("/runs/" + run.runId() + "?token=");
      assertThat(printed.split(Pattern.quote(m.group(1)), -1)).as("printed once").hasSize(2);
      HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(m.group(1))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("/assets/run.js");
      var results = ProbeTasks.evenOnlyMap(List.of(new ProbeTasks.EvenOnlyArgs(4), new ProbeTasks.EvenOnlyArgs(3)));
      assertThat(results.successes()).hasSize(1);
      JsonNode list = api(m.group(2), m.group(3), "/api/runs");
      assertThat(list.get(0).get("runId").asText()).isEqualTo(run.runId());
      assertThat(list.get(0).get("summary").get("state").asText()).as("the runs page follows a running run")
          .isEqualTo("running");
      JsonNode view = api(m.group(2), m.group(3), "/api/runs/" + run.runId());
      assertThat(view.get("summary").get("state").asText()).isEqualTo("running");
      JsonNode step = view.get("steps").get(0);
      assertThat(step.get("work").asText()).isEqualTo("evenOnly");
      assertThat(step.get("succeeded").asInt()).isEqualTo(1);
      assertThat(step.get("failed").asInt()).isEqualTo(1);
      assertThat(view.get("failures").get(0).get("message").asText()).isEqualTo("odd input 3");
      // Stopping the run from the page its own client serves is not offered, and refused, saying how instead.
      assertThat(view.get("servedBy").asLong()).isEqualTo(view.get("summary").get("pid").asLong())
          .isEqualTo(ProcessHandle.current().pid());
      URI kill = URI.create("http://127.0.0.1:" + m.group(2) + "/api/runs/" + run.runId() + "/kill");
      HttpResponse<String> own = http.send(HttpRequest.newBuilder(kill).header("X-Taskwire-Token", m.group(3))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(own.statusCode()).isEqualTo(409);
      assertThat(own.body()).contains("is this process's own: a client cannot kill itself", "taskwire kill " + run.runId());
      HttpResponse<String> noHeader = http.send(HttpRequest.newBuilder(kill).header("Cookie", "taskwire-token=" + m.group(3))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(noHeader.statusCode()).as("a cookie alone does not stop a run").isEqualTo(403);
    }
    assertThatThrownBy(() -> ProbeTasks.builder().backend("inprocess").set("taskwire.runs-dir", runs.toString())
        .set("taskwire.journal", "false").set("taskwire.ui", "true").start())
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("taskwire.journal is false");
  }

  /**
   * A task's calls cancelled from the page: the request reaches the run's client through its run
   * directory, which cancels the calls as their caller would, and journals them cancelled.
   */
  @Test
  void aTaskCancelledFromThePageEndsCancelledInTheClient() throws Exception {
    Path runs = dir.resolve("runs");
    try (WorkflowRun run = ProbeTasks.builder().backend("inprocess").set("taskwire.inprocess.threads", "2")
        .set("taskwire.runs-dir", runs.toString()).set("taskwire.progress", "off").start();
        org.taskwire.dashboard.Dashboard ui = org.taskwire.dashboard.Dashboard.start(runs)) {
      String port = String.valueOf(ui.port());
      ProbeTasks.square(2);
      var slow = ProbeTasks.slowSquareMapAsync(List.of(1, 2, 3, 4), x -> new ProbeTasks.SlowSquareArgs(x, 120_000));
      JsonNode view = api(port, ui.token(), "/api/runs/" + run.runId());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (view.get("tasks").size() < 2) {
        assertThat(System.nanoTime()).as("the fan-out never reached the page: %s", view).isLessThan(deadline);
        Thread.sleep(50);
        view = api(port, ui.token(), "/api/runs/" + run.runId());
      }
      long task = view.get("tasks").get(1).get("task").asLong();
      HttpResponse<String> done = post(port, ui.token(), "/api/runs/" + run.runId() + "/tasks/"
          + view.get("tasks").get(0).get("task").asLong() + "/cancel");
      assertThat(done.statusCode()).as("a task that ended").isEqualTo(409);
      assertThat(done.body()).contains("has ended: nothing to cancel");
      HttpResponse<String> asked = post(port, ui.token(), "/api/runs/" + run.runId() + "/tasks/" + task + "/cancel");
      assertThat(asked.statusCode()).as(asked.body()).isEqualTo(202);
      assertThat(JSON.readTree(asked.body()).get("requested")).hasSize(4);

      var outcomes = java.util.concurrent.CompletableFuture.supplyAsync(slow::await).get(30, TimeUnit.SECONDS);
      assertThat(outcomes.failures().values()).hasSize(4)
          .allSatisfy(f -> assertThat(f.kind()).isEqualTo(org.taskwire.FailureKind.CANCELLED));
      view = api(port, ui.token(), "/api/runs/" + run.runId());
      deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (view.get("summary").get("failed").asInt() < 4) {
        assertThat(System.nanoTime()).as("the cancelled calls never reached the journal: %s", view).isLessThan(deadline);
        Thread.sleep(50);
        view = api(port, ui.token(), "/api/runs/" + run.runId());
      }
      assertThat(view.get("failures").get(0).get("kind").asText()).isEqualTo("CANCELLED");
      assertThat(view.get("failures").get(0).get("message").asText()).isEqualTo("cancelled from the dashboard");
      assertThat(post(port, ui.token(), "/api/runs/" + run.runId() + "/calls/999/cancel").statusCode()).isEqualTo(404);
    }
  }

  private HttpResponse<String> post(String port, String token, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("X-Taskwire-Token", token)
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void taskwireUiServesEveryRunUntilStopped() throws Exception {
    Path runs = dir.resolve("runs");
    String id;
    try (WorkflowRun run = ProbeTasks.builder().backend("inprocess").set("taskwire.runs-dir", runs.toString())
        .set("taskwire.progress", "off").start()) {
      ProbeTasks.square(3);
      id = run.runId();
    }
    Process ui = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "org.taskwire.cli.TaskwireCli", "ui", "--runs-dir", runs.toString())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      BufferedReader out = new BufferedReader(new InputStreamReader(ui.getInputStream(), StandardCharsets.UTF_8));
      String line = out.readLine();
      assertThat(line).startsWith("taskwire dashboard for the runs in " + runs);
      Matcher m = ADDRESS.matcher(line);
      assertThat(m.find()).as(line).isTrue();
      JsonNode list = api(m.group(2), m.group(3), "/api/runs");
      assertThat(list).hasSize(1);
      assertThat(list.get(0).get("runId").asText()).isEqualTo(id);
      assertThat(list.get(0).get("summary").get("state").asText()).isEqualTo("closed");
      assertThat(list.get(0).get("summary").get("succeeded").asInt()).isEqualTo(1);
    } finally {
      ui.destroy();
      assertThat(ui.waitFor(20, TimeUnit.SECONDS)).as("taskwire ui ends when told to").isTrue();
    }
  }

  /** A runs directory that does not exist (a mistyped --runs-dir, or no run yet) is served, and said. */
  @Test
  void taskwireUiSaysWhenItsRunsDirectoryDoesNotExist() throws Exception {
    Path missing = dir.resolve("no-runs-here");
    Process ui = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), "org.taskwire.cli.TaskwireCli", "ui", "--runs-dir", missing.toString())
        .start();
    try {
      BufferedReader err = new BufferedReader(new InputStreamReader(ui.getErrorStream(), StandardCharsets.UTF_8));
      String said;
      do {
        said = err.readLine();
      } while (said != null && !said.startsWith("taskwire:"));
      assertThat(said).isEqualTo("taskwire: " + missing + " holds no runs yet (no such directory); the dashboard "
          + "lists them as they start there");
      Matcher m = ADDRESS.matcher(new BufferedReader(new InputStreamReader(ui.getInputStream(), StandardCharsets.UTF_8))
          .readLine());
      assertThat(m.find()).isTrue();
      assertThat(api(m.group(2), m.group(3), "/api/runs")).isEmpty();
    } finally {
      ui.destroy();
      assertThat(ui.waitFor(20, TimeUnit.SECONDS)).isTrue();
    }
  }
}
