package org.taskwire.internal.backend.panda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.taskwire.ConfigurationException;

/** The client over real HTTP against a server that applies PanDA's rules for headers and envelopes. */
class PandaClientTest {
  private HttpServer server;
  private PandaClient client;
  private final List<String> seen = new CopyOnWriteArrayList<>();
  private final AtomicInteger overloaded = new AtomicInteger();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/api/v1/", this::handle);
    server.start();
    URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    client = new PandaClient(base, new OkHttpClient(), () -> Map.of("Authorization", "Bearer t0k", "Origin", "EIC"),
        3, Duration.ofMillis(10));
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  /** Like panda.py: JSON only for exact header values, validation errors inside a 200. */
  private void handle(HttpExchange x) throws IOException {
    String path = x.getRequestURI().getPath();
    seen.add(x.getRequestMethod() + " " + x.getRequestURI() + " ct=" + x.getRequestHeaders().getFirst("Content-Type")
        + " accept=" + x.getRequestHeaders().getFirst("Accept") + " len=" + x.getRequestHeaders().getFirst("Content-Length")
        + " auth=" + x.getRequestHeaders().getFirst("Authorization") + " origin=" + x.getRequestHeaders().getFirst("Origin"));
    String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    switch (path) {
      case "/api/v1/task/submit" -> {
        boolean json = "application/json".equals(x.getRequestHeaders().getFirst("Content-Type"))
            && "application/json".equals(x.getRequestHeaders().getFirst("Accept"));
        if (!json || x.getRequestHeaders().getFirst("Content-Length") == null) {
          reply(x, 500, "ERROR : received invalid JSON");
        } else if (body.contains("dup-active")) {
          reply(x, 200, "{\"success\":false,\"message\":\"jediTaskID=77 is in the running state for outDS=dup-active. "
              + "You can re-submit the task with new parameters\",\"data\":2}");
        } else if (body.contains("dup-queued")) {
          reply(x, 200, "{\"success\":false,\"message\":\"jediTaskID=78 is already queued for outDS=dup-queued. "
              + "You cannot submit duplicated tasks. \",\"data\":1}");
        } else if (body.contains("over-quota")) {
          reply(x, 200, "{\"success\":false,\"message\":\"Too many active tasks for jediTaskID=5 owner\",\"data\":10}");
        } else if (body.contains("\"taskName\"")) {
          reply(x, 200, "{\"success\":true,\"message\":\"\",\"data\":{\"jediTaskID\":1234,"
              + "\"creationdate\":{\"__datetime__\":\"2026-11-21T10:00:00.250000\"}}}");
        } else {
          reply(x, 200, "{\"success\":false,\"message\":\"Argument error: missing taskName\",\"data\":null}");
        }
      }
      case "/api/v1/task/get_status" -> reply(x, 200, "{\"success\":true,\"message\":\"\",\"data\":\""
          + x.getRequestURI().getQuery() + "\"}");
      case "/api/v1/system/is_alive" -> {
        if (overloaded.getAndDecrement() > 0) {
          reply(x, 503, "Service Unavailable");
        } else {
          reply(x, 200, "{\"success\":true,\"message\":\"alive\",\"data\":null}");
        }
      }
      case "/api/v1/system/python_dict" -> reply(x, 200, "{'success': True, 'data': None}");
      default -> reply(x, 403, "ERROR : method " + path.substring(path.lastIndexOf('/') + 1) + " is forbidden");
    }
  }

  private static void reply(HttpExchange x, int status, String text) throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    x.getResponseHeaders().set("Content-Type", "text/plain");
    x.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Test
  void postSendsExactJsonHeadersAndReturnsTheData() {
    JsonNode data = client.post("task", "submit", Map.of("taskName", "user.x.1"));
    assertThat(data.get("jediTaskID").asLong()).isEqualTo(1234);
    assertThat(PandaClient.instant(data.get("creationdate"))).isEqualTo(Instant.parse("2026-11-21T10:00:00.250Z"));
    assertThat(seen.get(0)).contains("ct=application/json ", "accept=application/json ", "len=", "auth=Bearer t0k",
        "origin=EIC").doesNotContain("len=null");
  }

  @Test
  void validationFailureKeepsTheServerMessage() {
    assertThatThrownBy(() -> client.post("task", "submit", Map.of("other", 1)))
        .isInstanceOfSatisfying(PandaException.class, e -> {
          assertThat(e.status()).isEqualTo(200);
          assertThat(e.call()).isEqualTo("task/submit");
        })
        .hasMessage("task/submit: Argument error: missing taskName");
  }

  @Test
  void forbiddenIsAnErrorWithTheServerText() {
    assertThatThrownBy(() -> client.post("task", "no_such_method", Map.of()))
        .isInstanceOfSatisfying(PandaException.class, e -> assertThat(e.status()).isEqualTo(403))
        .hasMessageContaining("forbidden or authentication failed: ERROR : method no_such_method is forbidden");
  }

  @Test
  void getSendsListsAsRepeatedKeys() {
    JsonNode data = client.get("task", "get_status", Map.of("task_id", List.of(1, 2)));
    assertThat(data.asText()).isEqualTo("task_id=1&task_id=2");
  }

  @Test
  void overloadIsRetriedWithBackoff() {
    overloaded.set(2);
    client.get("system", "is_alive", Map.of());
    assertThat(seen).hasSize(3);
  }

  @Test
  void persistentOverloadAndUnreachableServersFailClearly() {
    overloaded.set(10);
    assertThatThrownBy(() -> client.get("system", "is_alive", Map.of()))
        .hasMessageContaining("PanDA is overloaded");
    server.stop(0);
    assertThatThrownBy(() -> client.get("system", "is_alive", Map.of()))
        .hasMessageContaining("cannot reach PanDA at").hasMessageContaining("after 3 attempts");
  }

  @Test
  void aServerThatNeverAnswersIsATimeoutNotAnInterruption() throws Exception {
    try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 10, InetAddress.getLoopbackAddress())) {
      PandaClient slow = new PandaClient(URI.create("http://127.0.0.1:" + silent.getLocalPort()),
          new OkHttpClient.Builder().readTimeout(Duration.ofMillis(200)).callTimeout(Duration.ofMillis(300)).build(),
          Map::of, 2, Duration.ofMillis(10));
      assertThatThrownBy(() -> slow.get("system", "is_alive", Map.of()))
          .hasMessageContaining("cannot reach PanDA at").hasMessageContaining("after 2 attempts")
          .hasMessageNotContaining("interrupted");
    }
    assertThat(Thread.currentThread().isInterrupted()).isFalse();
  }

  @Test
  void nonJsonAnswersAreReported() {
    assertThatThrownBy(() -> client.get("system", "python_dict", Map.of()))
        .hasMessageContaining("the answer is not JSON: {'success': True");
  }

  @Test
  void settingsComeFromThePandaEnvironmentAndKeysOverrideThem() {
    Map<String, String> env = Map.of("PANDA_URL_SSL", "https://pandaserver-doma.cern.ch:25443/server/panda",
        "PANDACACHE_URL", "https://pandacache.cern.ch/server/panda", "PANDA_AUTH", "oidc", "PANDA_AUTH_VO", "EIC",
        "PANDA_CONFIG_ROOT", "/tmp/pathena");
    PandaSettings s = PandaSettings.read(k -> null, env);
    assertThat(s.server()).hasToString("https://pandaserver-doma.cern.ch:25443");
    assertThat(s.cache()).hasToString("https://pandacache.cern.ch");
    assertThat(s.auth()).isEqualTo(PandaSettings.Auth.OIDC);
    assertThat(s.vo()).isEqualTo("EIC");
    assertThat(s.verifyTls()).isTrue();
    PandaSettings overridden = PandaSettings.read(
        k -> k.equals("taskwire.panda.url") ? "http://127.0.0.1:8080" : k.equals("taskwire.panda.auth") ? "none" : null,
        env);
    assertThat(overridden.server()).hasToString("http://127.0.0.1:8080");
    assertThat(overridden.auth()).isEqualTo(PandaSettings.Auth.NONE);
    assertThatThrownBy(() -> PandaSettings.read(k -> null, Map.of("PANDA_AUTH", "oidc")))
        .isInstanceOf(ConfigurationException.class).hasMessageContaining("PANDA_AUTH_VO");
    assertThatThrownBy(() -> PandaSettings.read(k -> null, Map.of("PANDA_AUTH", "kerberos")))
        .hasMessageContaining("is not one of oidc, x509, none");
    assertThatThrownBy(() -> PandaSettings.read(k -> null, Map.of("PANDA_URL_SSL", "not a url")))
        .hasMessageContaining("malformed PanDA URL");
  }

  @Test
  void aTaskOfTheSameNameStillActiveOrQueuedIsTakenUpAndAnyOtherRefusalFails() {
    PandaApi api = new PandaApi(client);
    // The run's own task, submitted by a client that died before recording its id.
    org.assertj.core.api.Assertions.assertThat(api.submitTask(Map.of("taskName", "dup-active"))).isEqualTo(77);
    org.assertj.core.api.Assertions.assertThat(api.submitTask(Map.of("taskName", "dup-queued"))).isEqualTo(78);
    assertThatThrownBy(() -> api.submitTask(Map.of("taskName", "over-quota"))).isInstanceOf(PandaException.class)
        .hasMessageContaining("Too many active tasks").hasMessageContaining("(code 10)");
  }
}
