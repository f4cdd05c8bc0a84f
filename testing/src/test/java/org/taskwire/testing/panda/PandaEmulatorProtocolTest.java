package org.taskwire.testing.panda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.GZIPOutputStream;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.taskwire.internal.backend.panda.PandaApi;
import org.taskwire.internal.backend.panda.PandaClient;
import org.taskwire.internal.backend.panda.PandaException;

/** The emulator keeps the server's request rules, checked with raw HTTP and with Taskwire's client. */
class PandaEmulatorProtocolTest extends EmulatorWithTwoUsers {
  private static PandaApi api(String token) {
    return new PandaApi(new PandaClient(emulator.url(), HTTP,
        () -> Map.of("Authorization", "Bearer " + token, "Origin", "wlcg"), 1, Duration.ofMillis(10)));
  }

  private static Response post(String path, String contentType, String body, String token) throws Exception {
    Request.Builder r = new Request.Builder().url(emulator.url() + path)
        .post(RequestBody.create(body.getBytes(), MediaType.get(contentType)));
    r.header("Accept", "application/json");
    if (token != null) {
      r.header("Authorization", "Bearer " + token).header("Origin", "wlcg");
    }
    return HTTP.newCall(r.build()).execute();
  }

  @Test
  void unknownRoutesAndBadTokensAre403TextPlain() throws Exception {
    try (Response r = HTTP.newCall(new Request.Builder().url(emulator.url() + "/api/v1/task/nope").build()).execute()) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).isEqualTo("ERROR : method nope is forbidden");
    }
    try (Response r = post("/api/v1/task/kill", "application/json", "{\"task_id\":1}", "forged")) {
      assertThat(r.code()).isEqualTo(403);
      assertThat(r.body().string()).startsWith("ERROR : Token authentication failed.");
    }
  }

  @Test
  void aCharsetInTheContentTypeIsNotJsonAndTypesAreStrictOnPost() throws Exception {
    try (Response r = post("/api/v1/task/get_status", "application/json", "{\"task_id\":1}", "tok-bob")) {
      assertThat(MAPPER.readTree(r.body().string()).get("message").asText()).isEqualTo("expecting GET, received POST");
    }
    try (Response r = post("/api/v1/job/kill", "application/json; charset=utf-8", "{\"job_ids\":[1]}", "tok-bob")) {
      assertThat(r.body().string()).as("form parsing finds no job_ids").contains("missing a required argument");
    }
    try (Response r = post("/api/v1/task/kill", "application/json", "{\"task_id\":\"12\"}", "tok-bob")) {
      assertThat(MAPPER.readTree(r.body().string()).get("message").asText())
          .isEqualTo("Type error: 'task_id' must be of type int, got str.");
    }
    try (Response r = post("/api/v1/task/kill", "application/json", "{\"task_id\":1,\"extra\":2}", "tok-bob")) {
      assertThat(r.body().string()).contains("unexpected keyword argument 'extra'");
    }
    try (Response r = post("/api/v1/task/kill", "application/json", "{\"task_id\":1}", null)) {
      assertThat(r.body().string()).contains("SSL secure connection is required");
    }
  }

  @Test
  void withoutJsonInAcceptTheAnswerIsPythonRepr() throws Exception {
    Request r = new Request.Builder().url(emulator.url() + "/api/v1/system/is_alive").build();
    try (Response response = HTTP.newCall(r).execute()) {
      assertThat(response.body().string()).isEqualTo("{'success': True, 'message': '', 'data': None}");
    }
  }

  @Test
  void tasksAreNotFoundUntilRefinedAndOnlyTheOwnerMayKillThem() throws Exception {
    PandaApi bob = api("tok-bob");
    long id = bob.submitTask(Map.of("taskName", "t.unrefined", "vo", "wlcg", "prodSourceLabel", "user",
        "architecture", "", "transUses", "", "processingType", "x", "jobParameters", List.of(),
        "noInput", true, "pfnList", List.of("c1")));
    assertThat(bob.taskStatus(id)).isEmpty();
    Thread.sleep(1500);
    assertThat(bob.taskStatus(id)).as("transHome is missing: the refiner breaks the task").hasValue("broken");
    assertThatThrownBy(() -> api("tok-eve").killTask(id)).isInstanceOf(PandaException.class)
        .hasMessageContaining("not the task owner or no production role");
  }

  @Test
  void theCacheFindsContentByGzipCrcAndRefusesOverwrites() throws Exception {
    PandaApi bob = api("tok-bob");
    Path file = dir.resolve("sources.protocol-test.tar.gz");
    try (GZIPOutputStream gz = new GZIPOutputStream(Files.newOutputStream(file))) {
      gz.write("some content".getBytes());
    }
    long crc = PandaApi.gzipChecksum(file);
    assertThat(bob.validateCacheFile(Files.size(file), crc)).isEmpty();
    assertThat(bob.uploadCacheFile(file)).isTrue();
    assertThat(bob.validateCacheFile(Files.size(file), crc))
        .hasValue(new PandaApi.CachedFile("127.0.0.1", file.getFileName().toString()));
    assertThat(api("tok-eve").validateCacheFile(Files.size(file), crc)).as("per user").isEqualTo(Optional.empty());
    assertThat(bob.uploadCacheFile(file)).as("no overwrite").isFalse();
    try (Response r = HTTP.newCall(new Request.Builder().url(URI.create(emulator.url() + "/cache/"
        + file.getFileName()).toURL()).build()).execute()) {
      assertThat(r.body().bytes()).isEqualTo(Files.readAllBytes(file));
    }
  }
}
