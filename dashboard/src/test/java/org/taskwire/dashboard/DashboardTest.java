package org.taskwire.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.internal.journal.JournalRecord;
import org.taskwire.internal.journal.JournalWriter;
import org.taskwire.internal.journal.RunDirectory;

/** The dashboard over HTTP: its token, a run's view from its journal, updates pushed as lines arrive, and logs. */
class DashboardTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RUN = "20261206-0800-demo";
  @TempDir Path runs;
  @TempDir Path logs;
  private final HttpClient http = HttpClient.newHttpClient();
  private JournalWriter journal;
  private Dashboard dashboard;

  @BeforeEach
  void aRunOfTwoSteps() throws Exception {
    RunDirectory dir = RunDirectory.create(runs, RUN);
    journal = JournalWriter.open(dir.journal());
    journal.append(new JournalRecord.RunStarted(RUN, "demo.Flow", "flow", "slurm", 1_780_000_000_000L, 1L, "class",
        Map.of(), Map.of(), null));
    journal.append(new JournalRecord.CallDeclared(1, "k/1", "demo.Flow#simulate", 1, List.of()));
    journal.append(new JournalRecord.CallDeclared(2, "k/2", "demo.Flow#simulate", 1, List.of()));
    journal.append(new JournalRecord.CallSubmitted(1, 1, Map.of("system", "Slurm", "task", "4242")));
    journal.append(new JournalRecord.CallSubmitted(2, 1, Map.of("system", "Slurm", "task", "4242")));
    journal.append(new JournalRecord.CallSucceeded(1, 1, "json", new byte[] {'1'}));
    journal.append(new JournalRecord.CallDeclared(3, "k/3", "demo.Flow#merge", 2, List.of(1L, 2L)));
    journal.flush();
    dashboard = Dashboard.start(runs);
  }

  @AfterEach
  void stop() {
    dashboard.close();
    journal.close();
  }

  /** The docs' table of routes is the server's: each route once, none missing. */
  @Test
  void theDocsListEveryRoute() throws Exception {
    List<String> documented = Files.readAllLines(Path.of("..", "docs", "dashboard.md")).stream()
        .filter(l -> l.matches("\\| `(GET|POST) /.*"))
        .map(l -> l.substring(3, l.indexOf('`', 3))).toList();
    assertThat(documented).containsExactlyInAnyOrderElementsOf(dashboard.routes());
  }

  /** A kill needs the token in its header; with it, a run with nothing running says so. */
  @Test
  void aKillNeedsTheHeaderAndStopsWhatRuns() throws Exception {
    URI kill = URI.create("http://127.0.0.1:" + dashboard.port() + "/api/runs/" + RUN + "/kill");
    HttpResponse<String> refused = http.send(HttpRequest.newBuilder(kill).header("Cookie", "taskwire-token="
        + dashboard.token()).POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(403);
    HttpResponse<String> done = http.send(HttpRequest.newBuilder(kill).header(Dashboard.TOKEN_HEADER, dashboard.token())
        .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    assertThat(JSON.readTree(done.body()).get("killed")).isEmpty();
    HttpResponse<String> page = get("/runs/" + RUN + "?token=" + dashboard.token(), Map.of());
    assertThat(page.body()).contains("<meta name=\"taskwire-token\" content=\"" + dashboard.token() + "\">");
    assertThat(get("/runs/" + RUN, Map.of()).statusCode()).as("no page, and no token, without the token").isEqualTo(403);
  }

  private HttpResponse<String> get(String path, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard.port() + path));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private JsonNode api(String path) throws Exception {
    HttpResponse<String> r = get(path, Map.of(Dashboard.TOKEN_HEADER, dashboard.token()));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  @Test
  void everyRequestNeedsTheTokenAndAChangingOneInItsHeader() throws Exception {
    assertThat(dashboard.address().getHost()).as("the loopback address by default").isEqualTo("127.0.0.1");
    for (String path : List.of("/", "/api/runs", "/runs/" + RUN, "/assets/run.js", "/api/runs/" + RUN + "/calls/1/log")) {
      HttpResponse<String> r = get(path, Map.of());
      assertThat(r.statusCode()).as(path).isEqualTo(403);
      assertThat(r.body()).contains("needs its token");
    }
    assertThat(get("/api/runs", Map.of(Dashboard.TOKEN_HEADER, "0" + dashboard.token())).statusCode()).isEqualTo(403);
    HttpResponse<String> first = get("/?token=" + dashboard.token(), Map.of());
    assertThat(first.statusCode()).isEqualTo(200);
    String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
    assertThat(cookie).contains("HttpOnly", "SameSite=Strict");
    String pair = cookie.substring(0, cookie.indexOf(';'));
    assertThat(get("/api/runs", Map.of("Cookie", pair)).statusCode()).as("the cookie the first page set").isEqualTo(200);
    HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard.port()
        + "/api/runs")).header("Cookie", pair).POST(HttpRequest.BodyPublishers.noBody()).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(post.statusCode()).as("a cookie alone does not allow a change").isEqualTo(403);
    assertThat(post.body()).contains("a changing request needs the dashboard's token in the X-Taskwire-Token header");
    assertThatThrownBy(() -> Dashboard.start(runs, "127.0.0.1", 70_000)).hasMessageContaining("0 (a free one) to 65535");
    assertThatThrownBy(() -> Dashboard.start(runs, "127.0.0.1", 0, List.of(runs.resolve("no-study"))))
        .hasMessageContaining("no study directory").hasMessageContaining("directory(dir)");
    HttpResponse<String> noStudy = get("/api/studies/3", Map.of(Dashboard.TOKEN_HEADER, dashboard.token()));
    assertThat(noStudy.statusCode()).isEqualTo(404);
    assertThat(noStudy.body()).contains("no study 3; this dashboard shows none (taskwire ui --study DIR adds one)");
  }

  @Test
  void aRunIsItsStepsWithTheirCountsAndDependenciesAndItsTasks() throws Exception {
    JsonNode list = api("/api/runs");
    assertThat(list).hasSize(1);
    assertThat(list.get(0).get("summary").get("state").asText()).isEqualTo("interrupted");
    JsonNode run = api("/api/runs/" + RUN.substring(0, 10));
    assertThat(run.get("summary").get("workflow").asText()).isEqualTo("flow");
    assertThat(run.get("steps")).hasSize(2);
    JsonNode simulate = run.get("steps").get(0);
    assertThat(simulate.get("work").asText()).isEqualTo("simulate");
    assertThat(simulate.get("calls").asInt()).isEqualTo(2);
    assertThat(simulate.get("succeeded").asInt()).isEqualTo(1);
    assertThat(simulate.get("running").asInt()).isEqualTo(1);
    assertThat(run.get("steps").get(1).get("queued").asInt()).isEqualTo(1);
    assertThat(run.get("edges")).hasSize(1);
    assertThat(run.get("edges").get(0).get("from").asText()).isEqualTo("simulate");
    assertThat(run.get("edges").get(0).get("to").asText()).isEqualTo("merge");
    assertThat(run.get("tasks").get(0).get("handles").get(0).asText()).isEqualTo("Slurm task 4242");
    HttpResponse<String> unknown = get("/api/runs/nope", Map.of(Dashboard.TOKEN_HEADER, dashboard.token()));
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("no run in", "'nope'");
  }

  /** The page is told within a poll of the line: measured from the append to the event, not asserted as a time. */
  @Test
  void aNewJournalLineIsPushedToTheRunsPageAsAnEvent() throws Exception {
    BlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard.port() + "/api/runs/" + RUN
        + "/events")).header(Dashboard.TOKEN_HEADER, dashboard.token()).header("Accept", "text/event-stream").build();
    var stream = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines());
    Thread reader = new Thread(() -> {
      try {
        stream.get().body().filter(l -> l.startsWith("data:")).forEach(l -> {
          try {
            events.add(JSON.readTree(l.substring(5)));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        });
      } catch (Exception e) {
        // The dashboard closed the stream at the end of the test.
      }
    });
    reader.setDaemon(true);
    reader.start();
    JsonNode first = events.poll(10, TimeUnit.SECONDS);
    assertThat(first).as("the run as it stands, at once").isNotNull();
    assertThat(first.get("failuresTotal").asInt()).isZero();
    long appended = System.nanoTime();
    journal.append(new JournalRecord.CallFailed(2, 1, "REMOTE", "demo.Boom", "<script>alert(1)</script> went wrong",
        "trace", null, null));
    journal.flush();
    JsonNode next = events.poll(10, TimeUnit.SECONDS);
    long millis = (System.nanoTime() - appended) / 1_000_000;
    assertThat(next).as("an event after the failure was journaled").isNotNull();
    assertThat(next.get("failuresTotal").asInt()).isEqualTo(1);
    JsonNode failure = next.get("failures").get(0);
    assertThat(failure.get("message").asText()).as("a journal's string is data").isEqualTo("<script>alert(1)</script> went wrong");
    assertThat(failure.get("remoteClass").asText()).isEqualTo("demo.Boom");
    assertThat(next.get("version").asLong()).isGreaterThan(first.get("version").asLong());
    System.out.println("dashboard: the failure reached the page's event stream " + millis + " ms after its journal line");

    // A damaged line: the page is told why the journal cannot be read, with the view it had.
    java.nio.file.Files.writeString(RunDirectory.find(runs, RUN).journal(), "{not a record\n",
        java.nio.file.StandardOpenOption.APPEND);
    JsonNode damaged = events.poll(10, TimeUnit.SECONDS);
    assertThat(damaged).as("an event for the damaged journal").isNotNull();
    assertThat(damaged.get("error").asText()).contains("line 9 is not a Taskwire journal record");
    assertThat(damaged.get("failuresTotal").asInt()).isEqualTo(1);
  }

  @Test
  void aCallsLogIsTheOneItsJournalNamesAndNoOther() throws Exception {
    Path log = logs.resolve("worker-1.txt");
    Files.writeString(log, "other lines\ntaskwire-wrapper: >>> call 2 attempt 1 starts\nboom <b>here</b>\n"
        + "taskwire-wrapper: <<< call 2 attempt 1 ends\nafter\n");
    journal.append(new JournalRecord.CallFailed(2, 1, "REMOTE", "demo.Boom", "boom", "trace", log.toString(), null));
    journal.flush();
    Map<String, String> token = Map.of(Dashboard.TOKEN_HEADER, dashboard.token());
    HttpResponse<String> lines = get("/api/runs/" + RUN + "/calls/2/log", token);
    assertThat(lines.statusCode()).isEqualTo(200);
    assertThat(lines.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(lines.body()).contains("boom <b>here</b>").doesNotContain("other lines", "after");
    HttpResponse<String> none = get("/api/runs/" + RUN + "/calls/3/log", token);
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.body()).contains("names no log for call 3");
    for (String bad : List.of("..%2F..%2Fetc%2Fpasswd", "99")) {
      assertThat(get("/api/runs/" + RUN + "/calls/" + bad + "/log", token).statusCode()).as(bad).isEqualTo(404);
    }
  }
}
