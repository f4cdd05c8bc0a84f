package org.taskwire.testing.panda;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The routes and answers PanDA's own client (panda-client 2.x: {@code Client.py}, pbook, prun)
 * relies on, requested as that client does: JSON bodies for POST, repeated keys for GET lists,
 * {@code Accept: application/json}, a bearer token and the VO as {@code Origin}.
 */
@Timeout(120)
class PandaClientRoutesTest extends EmulatorWithTwoUsers {
  private static JsonNode call(String base, String method, String route, Map<String, ?> data, String token)
      throws Exception {
    Request.Builder r = new Request.Builder().header("Accept", "application/json")
        .header("Authorization", "Bearer " + token).header("Origin", "wlcg");
    if (method.equals("GET")) {
      StringBuilder q = new StringBuilder();
      for (var e : data.entrySet()) {
        for (Object v : e.getValue() instanceof List<?> l ? l : List.of(e.getValue())) {
          q.append(q.length() == 0 ? "?" : "&").append(e.getKey()).append('=')
              .append(URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8));
        }
      }
      r.url(base + "/api/v1/" + route + q).header("Content-Type", "application/json");
    } else {
      r.url(base + "/api/v1/" + route).post(RequestBody.create(MAPPER.writeValueAsBytes(data),
          MediaType.get("application/json")));
    }
    try (Response response = HTTP.newCall(r.build()).execute()) {
      String body = response.body().string();
      assertThat(response.code()).as("%s %s answered %s", method, route, body).isEqualTo(200);
      return MAPPER.readTree(body);
    }
  }

  private static JsonNode call(String method, String route, Map<String, ?> data, String token) throws Exception {
    return call(emulator.url().toString(), method, route, data, token);
  }

  /** A prun-style task: no input, N jobs from nEvents/nEventsPerJob, running {@code command}. */
  private static Map<String, Object> prunTask(String name, String command, int events, int perJob) {
    Map<String, Object> task = new java.util.HashMap<>();
    task.put("taskName", name);
    task.put("vo", "wlcg");
    task.put("prodSourceLabel", "user");
    task.put("architecture", "");
    task.put("transUses", "");
    task.put("transHome", null);
    task.put("processingType", "panda-client");
    task.put("noInput", true);
    task.put("nEvents", events);
    task.put("nEventsPerJob", perJob);
    task.put("jobParameters", List.of(Map.of("type", "constant",
        "value", "-j \"\" -p \"" + URLEncoder.encode(command, StandardCharsets.UTF_8).replace("+", "%20") + "\"")));
    return task;
  }

  private static long submit(String base, Map<String, Object> task, String token) throws Exception {
    JsonNode answer = call(base, "POST", "task/submit", Map.of("task_parameters", task), token);
    assertThat(answer.path("success").asBoolean()).as(answer.toString()).isTrue();
    return answer.path("data").asLong();
  }

  private static String awaitStatus(long task, String token, List<String> wanted) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    String status = "";
    while (System.nanoTime() < deadline) {
      JsonNode s = call("GET", "task/get_status", Map.of("task_id", task), token);
      status = s.path("data").asText("");
      if (wanted.contains(status)) {
        return status;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("task " + task + " stayed " + status);
  }

  @Test
  void userSecretsComeBackAsTheJsonStringTheClientDecodes() throws Exception {
    call("POST", "creds/set_user_secrets", Map.of("key", "A", "value", "1"), "tok-bob");
    call("POST", "creds/set_user_secrets", Map.of("key", "B", "value", "2"), "tok-bob");
    JsonNode all = call("GET", "creds/get_user_secrets", Map.of(), "tok-bob");
    assertThat(all.path("data").isTextual()).as("Client.get_user_secrets does json.loads(data)").isTrue();
    assertThat(MAPPER.readTree(all.path("data").asText())).isEqualTo(MAPPER.readTree("{\"A\":\"1\",\"B\":\"2\"}"));
    JsonNode some = call("GET", "creds/get_user_secrets", Map.of("keys", List.of("B")), "tok-bob");
    assertThat(MAPPER.readTree(some.path("data").asText())).isEqualTo(MAPPER.readTree("{\"B\":\"2\"}"));
    assertThat(call("GET", "creds/get_user_secrets", Map.of(), "tok-eve").path("data").asText()).isEqualTo("{}");
  }

  @Test
  void prunsNJobsTaskWithoutPfnListGetsItsJobsAndPbookSeesIt() throws Exception {
    long task = submit(emulator.url().toString(), prunTask("user.bob.njobs", "echo job ${SEQNUMBER}", 5, 2), "tok-bob");
    assertThat(awaitStatus(task, "tok-bob", List.of("done", "finished", "failed", "broken"))).isEqualTo("done");
    JsonNode ids = call("GET", "task/get_job_ids", Map.of("task_id", task), "tok-bob").path("data");
    assertThat(ids).as("ceil(5 / 2) jobs").hasSize(3);

    // pbook show: the user's tasks, by filter; another user sees none of them
    JsonNode mine = call("GET", "task/get_tasks_detailed_info_since",
        Map.of("filters", "{\"jediTaskID\": \"" + task + "\"}", "n_tasks", 500), "tok-bob").path("data");
    assertThat(mine).hasSize(1);
    assertThat(mine.get(0).path("taskName").asText()).isEqualTo("user.bob.njobs");
    assertThat(mine.get(0).path("status").asText()).isEqualTo("done");
    assertThat(mine.get(0).path("creationDate").path("__datetime__").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*");
    assertThat(call("GET", "task/get_tasks_detailed_info_since", Map.of("n_tasks", 500), "tok-eve").path("data"))
        .isEmpty();
    assertThat(call("GET", "task/get_tasks_modified_since", Map.of("since", "2000-01-01 00:00:00"), "tok-bob")
        .path("data").findValues("jediTaskID")).extracting(JsonNode::asLong).contains(task);

    // pbook's job details, by POST as Client.getFullJobStatus sends them
    JsonNode jobs = call("POST", "job/get_description_incl_archive", Map.of("job_ids", List.of(ids.get(0).asLong())),
        "tok-bob").path("data");
    assertThat(jobs.get(0).path("PandaID").asLong()).isEqualTo(ids.get(0).asLong());
    assertThat(call("GET", "task/get_task_parameters", Map.of("task_id", task), "tok-bob").path("data")
        .path("taskName").asText()).isEqualTo("user.bob.njobs");
  }

  /**
   * pbook's own sequence for the user's task (panda-client's PBookCore): {@code show} lists the
   * last 14 days' tasks without a userName filter, the server scoping them to the token's user;
   * {@code kill ID} takes an id below 10^7 for a request id (is_reqid) and looks its tasks up by
   * reqID, else posts task/kill.
   */
  @Test
  void pbookShowAndKillOfTheUsersOwnTaskWorkAsAgainstTheServer() throws Exception {
    long task = submit(emulator.url().toString(), prunTask("user.bob.pbook", "sleep 30", 1, 1), "tok-bob");
    assertThat(task).as("a jediTaskID, not what pbook takes for a reqID").isGreaterThanOrEqualTo(10_000_000L);
    String since = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
        .withZone(java.time.ZoneOffset.UTC).format(java.time.Instant.now().minus(Duration.ofDays(14)));
    awaitListed(emulator.url().toString(), "tok-bob", task);
    JsonNode shown = call("GET", "task/get_tasks_detailed_info_since", Map.of("since", since, "n_tasks", 1000),
        "tok-bob").path("data");
    JsonNode mine = null;
    for (JsonNode t : shown) {
      if (t.path("jediTaskID").asLong() == task) {
        mine = t;
      }
    }
    assertThat(mine).as("pbook show lists the user's task: %s", shown).isNotNull();
    assertThat(mine.path("reqID").asLong()).as("LocalTaskSpec prints its reqID").isPositive();
    assertThat(mine.path("userName").asText()).isEqualTo("Bob Jones");
    JsonNode byReq = call("GET", "task/get_tasks_detailed_info_since",
        Map.of("filters", "{\"reqID\": \"" + mine.path("reqID").asLong() + "\"}", "n_tasks", 1000), "tok-bob")
        .path("data");
    assertThat(byReq.findValues("jediTaskID")).extracting(JsonNode::asLong).contains(task);

    JsonNode refused = call("POST", "task/kill", Map.of("task_id", task), "tok-eve");
    assertThat(refused.path("success").asBoolean()).isFalse();
    assertThat(refused.path("data").asInt()).as("permission denied").isEqualTo(3);
    JsonNode kill = call("POST", "task/kill", Map.of("task_id", task), "tok-bob");
    assertThat(kill.path("success").asBoolean()).as(kill.toString()).isTrue();
    assertThat(kill.path("data").asInt()).isZero();
  }

  /** An open emulator takes a user's ID token as the server does: its user is the token's name claim, as pbook's. */
  @Test
  void anOpenEmulatorKnowsATokensUserByItsNameClaim() throws Exception {
    assertThat(ServerApi.userOfIdToken(jwt("{\"sub\":\"x1\",\"name\":\"alice  SMITH\"}"))).isEqualTo("Alice Smith");
    assertThat(ServerApi.userOfIdToken(jwt("{\"sub\":\"x1\"}"))).isEqualTo("x1");
    assertThat(ServerApi.userOfIdToken("not-a-jwt")).isNull();
    try (PandaEmulator open = PandaEmulator.start(PandaEmulator.Settings.defaults(dir.resolve("open")))) {
      String alice = jwt("{\"sub\":\"x1\",\"name\":\"alice smith\"}");
      String bob = jwt("{\"sub\":\"x2\",\"name\":\"Bob Jones\"}");
      long task = submit(open.url().toString(), prunTask("user.alice.open", "sleep 30", 1, 1), alice);
      awaitListed(open.url().toString(), alice, task);
      JsonNode shown = call(open.url().toString(), "GET", "task/get_tasks_detailed_info_since",
          Map.of("n_tasks", 1000), alice).path("data");
      assertThat(shown.findValues("jediTaskID")).extracting(JsonNode::asLong).containsExactly(task);
      assertThat(call(open.url().toString(), "GET", "task/get_tasks_detailed_info_since", Map.of("n_tasks", 1000), bob)
          .path("data")).isEmpty();
      assertThat(call(open.url().toString(), "POST", "task/kill", Map.of("task_id", task), alice)
          .path("success").asBoolean()).isTrue();
    }
  }

  /** Waits out the refiner's delay, while which the server does not list a new task. */
  private static void awaitListed(String base, String token, long task) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!call(base, "GET", "task/get_tasks_detailed_info_since", Map.of("n_tasks", 1000), token).path("data")
        .findValues("jediTaskID").stream().map(JsonNode::asLong).toList().contains(task)) {
      assertThat(System.nanoTime()).as("task %d listed", task).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static String jwt(String claims) {
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    return b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b64.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".c2ln";
  }

  @Test
  void pbookKillAndFinishAreAnsweredAsTheServerDoes() throws Exception {
    long task = submit(emulator.url().toString(), prunTask("user.bob.finish", "sleep 30", 2, 1), "tok-bob");
    awaitStatus(task, "tok-bob", List.of("running"));
    JsonNode finish = call("POST", "task/finish", Map.of("task_id", task), "tok-bob");
    assertThat(finish.path("success").asBoolean()).as(finish.toString()).isTrue();
    assertThat(finish.path("data").asInt()).isZero();
    assertThat(awaitStatus(task, "tok-bob", List.of("finished", "done"))).isEqualTo("finished");
    JsonNode again = call("POST", "task/kill", Map.of("task_id", task), "tok-bob");
    assertThat(again.path("success").asBoolean()).isFalse();
    assertThat(again.path("data").asInt()).as("irrelevant task status").isEqualTo(4);
  }

  @Test
  void sigtermOnTheStandaloneEmulatorKillsItsRunningJobs() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path out = dir.resolve("standalone.out");
    Process emu = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        PandaEmulatorMain.class.getName(), "--port", Integer.toString(port), "--dir", dir.resolve("s").toString(),
        "--token", "Bob=tok").redirectErrorStream(true).redirectOutput(out.toFile()).start();
    try {
      String base = "http://127.0.0.1:" + port;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (!Files.readString(out).contains("PanDA emulator on") && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      String marker = "617.25";
      submit(base, prunTask("user.bob.sleeper", "sleep " + marker, 1, 1), "tok");
      Optional<ProcessHandle> job = Optional.empty();
      while (job.isEmpty() && System.nanoTime() < deadline) {
        job = ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(marker)).findFirst();
        Thread.sleep(50);
      }
      assertThat(job).as("the job's process runs; emulator said: %s", Files.readString(out)).isPresent();
      emu.destroy(); // SIGTERM
      assertThat(emu.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(job.get().onExit()).as("the job died with the emulator").succeedsWithin(Duration.ofSeconds(10));
    } finally {
      emu.destroyForcibly();
    }
  }
}
