package org.taskwire.testing.rucio;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The requests Rucio's own client sends (rucio-clients 41.0.0rc1, {@code rucio upload},
 * {@code did content list}, {@code download}, {@code did update --close}, {@code did list}, as the
 * emulator's {@code --log-requests} recorded them), each with the answer that client needs: its
 * headers, its JSON bodies verbatim, its Python-repr filters, Metalink when it asks for it, and
 * errors it maps back to its exception types by {@code ExceptionClass}.
 */
@Timeout(60)
class RucioClientRoutesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final OkHttpClient HTTP = new OkHttpClient.Builder().followRedirects(true).build();
  private static final MediaType JSON_TYPE = MediaType.get("application/json");

  private RucioEmulator rucio;
  private String token;

  private record Answer(int code, String contentType, String body, okhttp3.Headers headers) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }

    List<JsonNode> lines() throws Exception {
      List<JsonNode> out = new ArrayList<>();
      for (String l : body.split("\n")) {
        if (!l.isBlank()) {
          out.add(JSON.readTree(l));
        }
      }
      return out;
    }
  }

  @BeforeEach
  void start() throws Exception {
    rucio = RucioEmulator.start(RucioEmulator.Settings.defaults(RucioEmulator.StorageElement.at("XRD1",
        URI.create("root://127.0.0.1:11094//taskwire/rucio/"), URI.create("http://127.0.0.1:18080/taskwire/rucio/"))));
    // baseclient.__get_token_userpass: the credentials as headers, the token back as a header.
    Answer auth = send("GET", "/auth/userpass", null, Map.of("X-Rucio-Username", "taskwire", "X-Rucio-Password", "secret",
        "X-Rucio-Account", "taskwire", "X-Rucio-AppID", "rucio"), null);
    assertThat(auth.code()).isEqualTo(200);
    token = auth.headers().get("X-Rucio-Auth-Token");
    assertThat(token).isNotBlank();
    assertThat(auth.headers().get("X-Rucio-Auth-Token-Expires")).matches("\\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} UTC");
  }

  @AfterEach
  void stop() {
    rucio.close();
  }

  private Answer send(String method, String path, String body, Map<String, String> headers, String accept) throws Exception {
    Request.Builder r = new Request.Builder().url(rucio.url().resolve(path).toString())
        .header("User-Agent", "rucio-clients/41.0.0rc1").header("X-Rucio-VO", "def").header("Connection", "Keep-Alive")
        .header("X-Rucio-Script", "rucio::upload").header("Accept", accept == null ? "*/*" : accept);
    headers.forEach(r::header);
    r.method(method, body == null ? null : RequestBody.create(body, JSON_TYPE));
    try (Response response = HTTP.newCall(r.build()).execute()) {
      return new Answer(response.code(), response.header("Content-Type"), response.body().string(), response.headers());
    }
  }

  private Answer call(String method, String path, String body) throws Exception {
    return send(method, path, body, Map.of("X-Rucio-Auth-Token", token, "X-Rucio-Account", "taskwire"), null);
  }

  private void upload(String file, long bytes, String adler32, String dataset) throws Exception {
    // uploadclient.upload: the RSE and its settings, the dataset with a rule, the file's meta (404), its replica
    // in state C, the transfer (root://, not the server's), the trace, the replica made A, the attachment.
    assertThat(call("GET", "/rses/?expression=XRD1", null).lines()).singleElement()
        .satisfies(r -> assertThat(r.path("rse").asText()).isEqualTo("XRD1"));
    JsonNode rse = call("GET", "/rses/XRD1", null).json();
    assertThat(rse.path("deterministic").asBoolean()).isTrue();
    assertThat(rse.path("availability_write").asBoolean()).isTrue();
    assertThat(rse.path("protocols").get(0).path("impl").asText()).isEqualTo("rucio.rse.protocols.xrootd.Default");
    assertThat(rse.path("protocols").get(0).path("prefix").asText()).isEqualTo("//taskwire/rucio/");
    assertThat(rse.path("protocols").get(0).path("domains").path("wan").path("write").asInt()).isEqualTo(1);
    assertThat(call("GET", "/rses/XRD1/attr/", null).json().path("XRD1").asBoolean()).isTrue();
    assertThat(call("GET", "/accounts/taskwire/scopes/", null).json().toString()).isEqualTo("[\"user.taskwire\"]");
    Answer ds = call("POST", "/dids/user.taskwire/" + dataset, "{\"type\": \"DATASET\", \"rules\": [{\"account\": "
        + "\"taskwire\", \"copies\": 1, \"rse_expression\": \"XRD1\", \"grouping\": \"DATASET\", \"lifetime\": null}]}");
    assertThat(ds.code()).isIn(201, 409);
    Answer meta = call("GET", "/dids/user.taskwire/" + file + "/meta?plugin=DID_COLUMN", null);
    assertThat(meta.code()).isEqualTo(404);
    assertThat(meta.headers().get("ExceptionClass")).isEqualTo("DataIdentifierNotFound");
    assertThat(meta.json().path("ExceptionClass").asText()).isEqualTo("DataIdentifierNotFound");
    assertThat(call("POST", "/replicas", "{\"rse\": \"XRD1\", \"files\": [{\"scope\": \"user.taskwire\", \"name\": \"" + file
        + "\", \"bytes\": " + bytes + ", \"adler32\": \"" + adler32 + "\", \"md5\": \"111e4fd1000c48ae8aa444e89346e974\", "
        + "\"meta\": {\"guid\": \"dab0ec74f826427bb6fdc1c66c41934e\"}, \"state\": \"C\"}], \"ignore_availability\": true}")
        .code()).isEqualTo(201);
    assertThat(call("POST", "/traces/", "{\"hostname\": \"localhost\", \"account\": \"taskwire\", \"eventType\": \"upload\", "
        + "\"eventVersion\": \"41.0.0rc1\", \"vo\": null, \"clientState\": \"DONE\"}").code()).isEqualTo(201);
    assertThat(call("PUT", "/replicas", "{\"rse\": \"XRD1\", \"files\": [{\"scope\": \"user.taskwire\", \"name\": \"" + file
        + "\", \"bytes\": " + bytes + ", \"adler32\": \"" + adler32 + "\", \"state\": \"A\"}]}").code()).isEqualTo(200);
    assertThat(call("POST", "/dids/user.taskwire/" + dataset + "/dids",
        "{\"dids\": [{\"scope\": \"user.taskwire\", \"name\": \"" + file + "\"}]}").code()).isEqualTo(201);
  }

  @Test
  void whoamiRedirectsToTheAccountAndPingNeedsNoToken() throws Exception {
    JsonNode who = call("GET", "/accounts/whoami", null).json();
    assertThat(who.path("account").asText()).isEqualTo("taskwire");
    assertThat(who.path("status").asText()).isEqualTo("ACTIVE");
    assertThat(send("GET", "/ping", null, Map.of(), null).json().path("version").asText()).isNotBlank();
  }

  @Test
  void uploadThenListThenDownloadThenClose() throws Exception {
    upload("f1.dat", 100000, "ec42f23d", "ds.one");
    upload("f2.dat", 2000, "6576e95c", "ds.one");

    // did content list: a JSON stream, one object per line.
    Answer content = call("GET", "/dids/user.taskwire/ds.one/dids", null);
    assertThat(content.contentType()).startsWith("application/x-json-stream");
    assertThat(content.lines()).extracting(n -> n.path("name").asText() + ":" + n.path("type").asText())
        .containsExactly("f1.dat:FILE", "f2.dat:FILE");

    // download: the DID is found by a search whose filters are Python's repr, then its replicas as Metalink.
    List<JsonNode> found = call("GET", "/dids/user.taskwire/dids/search?type=all&filters=%5B%7B%27name%27%3A+%27ds.one%27"
        + "%7D%5D&long=True&recursive=False", null).lines();
    assertThat(found).singleElement().satisfies(d -> {
      assertThat(d.path("name").asText()).isEqualTo("ds.one");
      assertThat(d.path("did_type").asText()).isEqualTo("DATASET");
    });
    Answer metalink = send("POST", "/replicas/list", "{\"dids\": [{\"scope\": \"user.taskwire\", \"name\": \"ds.one\"}], "
        + "\"domain\": null, \"ignore_availability\": false, \"all_states\": false, \"client_location\": {\"ip\": \"fd00::2\", "
        + "\"fqdn\": \"localhost\", \"site\": \"ROAMING\", \"latitude\": null, \"longitude\": null}, \"resolve_archives\": true, "
        + "\"resolve_parents\": true}", Map.of("X-Rucio-Auth-Token", token), "application/metalink4+xml");
    assertThat(metalink.contentType()).startsWith("application/metalink4+xml");
    assertThat(metalink.body()).contains("<metalink xmlns=\"urn:ietf:params:xml:ns:metalink\">")
        .contains("<identity>user.taskwire:f1.dat</identity>").contains("<hash type=\"adler32\">ec42f23d</hash>")
        .contains("<size>100000</size>").contains("<did>user.taskwire:ds.one</did>")
        // Rucio's hash path: md5("user.taskwire:f1.dat") starts 4a2a; user scopes split at their dots.
        .contains(">root://127.0.0.1:11094//taskwire/rucio/user/taskwire/4a/2a/f1.dat</url>")
        .contains("location=\"XRD1\"");

    // did update --close, then an attachment is refused as the server refuses it.
    assertThat(call("PUT", "/dids/user.taskwire/ds.one/status", "{\"open\": false}").code()).isEqualTo(200);
    Answer late = call("POST", "/dids/user.taskwire/ds.one/dids", "{\"dids\": [{\"scope\": \"user.taskwire\", \"name\": \"f1.dat\"}]}");
    assertThat(late.code()).isEqualTo(409);
    assertThat(late.json().path("ExceptionClass").asText()).isEqualTo("UnsupportedOperation");
    assertThat(late.json().path("ExceptionMessage").asText()).contains("closed");
    JsonNode shown = call("GET", "/dids/user.taskwire/ds.one", null).json();
    assertThat(shown.path("open").asBoolean()).isFalse();
    assertThat(shown.path("length").asInt()).isEqualTo(2);
    assertThat(shown.path("bytes").asLong()).isEqualTo(102000);

    // did list with the default filter: collections only, long form.
    assertThat(call("GET", "/dids/user.taskwire/dids/search?type=collection&filters=%5B%7B%27name%27%3A+%27%2A%27%7D%5D"
        + "&long=True&recursive=False", null).lines()).extracting(n -> n.path("name").asText()).containsExactly("ds.one");
    // replica list dataset: files found per RSE.
    assertThat(call("GET", "/replicas/user.taskwire/ds.one/datasets", null).lines()).singleElement().satisfies(r -> {
      assertThat(r.path("rse").asText()).isEqualTo("XRD1");
      assertThat(r.path("available_length").asInt()).isEqualTo(2);
      assertThat(r.path("length").asInt()).isEqualTo(2);
    });
  }

  @Test
  void aFileKeepsItsChecksumAndADeterministicElementItsPaths() throws Exception {
    upload("f1.dat", 100000, "ec42f23d", "ds.one");
    Answer other = call("POST", "/dids/attachments", "{\"ignore_duplicate\": true, \"attachments\": [{\"scope\": "
        + "\"user.taskwire\", \"name\": \"ds.one\", \"rse\": \"XRD1\", \"dids\": [{\"scope\": \"user.taskwire\", \"name\": "
        + "\"f1.dat\", \"bytes\": 100000, \"adler32\": \"00000001\"}]}]}");
    assertThat(other.code()).isEqualTo(412);
    assertThat(other.json().path("ExceptionClass").asText()).isEqualTo("FileConsistencyMismatch");
    Answer elsewhere = call("POST", "/replicas", "{\"rse\": \"XRD1\", \"files\": [{\"scope\": \"user.taskwire\", \"name\": "
        + "\"g.dat\", \"bytes\": 1, \"adler32\": \"00020002\", \"pfn\": \"root://127.0.0.1:11094//elsewhere/g.dat\"}]}");
    assertThat(elsewhere.code()).isEqualTo(400);
    assertThat(elsewhere.json().path("ExceptionClass").asText()).isEqualTo("InvalidPath");
  }

  @Test
  void requestsWithoutAValidTokenAreRefusedAsTheServerRefusesThem() throws Exception {
    Answer none = send("GET", "/accounts/whoami", null, Map.of(), null);
    assertThat(none.code()).isEqualTo(401);
    assertThat(none.headers().get("ExceptionClass")).isEqualTo("CannotAuthenticate");
    assertThat(none.contentType()).startsWith("application/octet-stream");
    assertThat(send("GET", "/accounts/whoami", null, Map.of("X-Rucio-Auth-Token", "taskwire-forged"), null).code())
        .isEqualTo(401);
    Answer wrong = send("GET", "/auth/userpass", null, Map.of("X-Rucio-Username", "taskwire", "X-Rucio-Password", "nope"), null);
    assertThat(wrong.code()).isEqualTo(401);
    assertThat(wrong.json().path("ExceptionClass").asText()).isEqualTo("CannotAuthenticate");
    Answer nowhere = call("GET", "/rses/?expression=istape%3Dtrue", null);
    assertThat(nowhere.code()).as("the download client asks and expects this").isEqualTo(400);
    assertThat(nowhere.json().path("ExceptionClass").asText()).isEqualTo("InvalidRSEExpression");
  }
}
