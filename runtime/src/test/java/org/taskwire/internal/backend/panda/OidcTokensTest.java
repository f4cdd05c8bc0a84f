package org.taskwire.internal.backend.panda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Token discovery, cache, refresh and device-code login against a real HTTP identity provider. */
class OidcTokensTest {
  @TempDir Path root;
  private HttpServer idp;
  private String base;
  private final List<String> grants = new CopyOnWriteArrayList<>();
  private final AtomicInteger pending = new AtomicInteger();
  private final Instant now = Instant.parse("2026-11-21T10:00:00Z");

  static String jwt(Instant exp) {
    Base64.Encoder b = Base64.getUrlEncoder().withoutPadding();
    return b.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + b.encodeToString(("{\"sub\":\"u\",\"exp\":" + exp.getEpochSecond() + "}").getBytes(StandardCharsets.UTF_8))
        + ".sig";
  }

  @BeforeEach
  void start() throws IOException {
    idp = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    base = "http://127.0.0.1:" + idp.getAddress().getPort();
    idp.createContext("/auth/EIC_auth_config.json", x -> reply(x, "{\"client_id\":\"panda-eic\",\"client_secret\":null,"
        + "\"audience\":\"https://pandaserver\",\"oidc_config_url\":\"" + base + "/.well-known/openid-configuration\"}"));
    idp.createContext("/.well-known/openid-configuration", x -> reply(x, "{\"token_endpoint\":\"" + base + "/token\","
        + "\"device_authorization_endpoint\":\"" + base + "/device\"}"));
    idp.createContext("/device", x -> reply(x, "{\"device_code\":\"dc\",\"verification_uri_complete\":\"" + base
        + "/verify?code=ABCD\",\"interval\":1,\"expires_in\":600}"));
    idp.createContext("/token", x -> {
      String form = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      grants.add(form);
      if (form.contains("device_code") && pending.getAndDecrement() > 0) {
        reply(x, "{\"error\":\"authorization_pending\"}");
      } else {
        reply(x, "{\"id_token\":\"" + jwt(now.plusSeconds(86400)) + "\",\"refresh_token\":\"r2\"}");
      }
    });
    idp.start();
  }

  @AfterEach
  void stop() {
    idp.stop(0);
  }

  private static void reply(HttpExchange x, String json) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    x.sendResponseHeaders(200, b.length);
    try (OutputStream out = x.getResponseBody()) {
      out.write(b);
    }
  }

  private OidcTokens tokens(Map<String, String> env, PrintStream prompt) {
    PandaSettings s = new PandaSettings(URI.create(base), URI.create(base), PandaSettings.Auth.OIDC, "EIC", root,
        root.resolve("proxy"), root, true);
    return new OidcTokens(s, env, new OkHttpClient(), prompt, Clock.fixed(now, java.time.ZoneOffset.UTC), d -> {});
  }

  @Test
  void anIdTokenInTheEnvironmentIsUsedAsIs() {
    Map<String, String> headers = tokens(Map.of("PANDA_AUTH_ID_TOKEN", "abc.def.ghi"), System.out).get();
    assertThat(headers).containsEntry("Authorization", "Bearer abc.def.ghi").containsEntry("Origin", "EIC");
    assertThat(grants).isEmpty();
  }

  @Test
  void aTokenFileIsRead() throws IOException {
    Path file = Files.writeString(root.resolve("tok"), "from-file\n");
    assertThat(tokens(Map.of("OIDC_AUTH_TOKEN_FILE", file.toString()), System.out).get())
        .containsEntry("Authorization", "Bearer from-file");
  }

  @Test
  void aCachedTokenValidForLongerThanFiveMinutesIsUsedWithoutCallingTheProvider() throws IOException {
    String id = jwt(now.plusSeconds(3600));
    Files.writeString(root.resolve(".token"), "{\"id_token\":\"" + id + "\",\"refresh_token\":\"r1\"}");
    assertThat(tokens(Map.of(), System.out).get()).containsEntry("Authorization", "Bearer " + id);
    assertThat(grants).isEmpty();
  }

  @Test
  void aCachedTokenAboutToExpireIsRefreshedAndTheCacheRewritten() throws IOException {
    Files.writeString(root.resolve(".token"), "{\"id_token\":\"" + jwt(now.plusSeconds(120)) + "\",\"refresh_token\":\"r1\"}");
    String header = tokens(Map.of(), System.out).get().get("Authorization");
    assertThat(header).isEqualTo("Bearer " + jwt(now.plusSeconds(86400)));
    assertThat(grants).singleElement().asString().contains("grant_type=refresh_token", "refresh_token=r1",
        "client_id=panda-eic");
    assertThat(Files.readString(root.resolve(".token"))).contains("\"refresh_token\":\"r2\"");
  }

  @Test
  void withoutAnyTokenTheDeviceFlowPrintsTheUrlAndWaitsForApproval() throws IOException {
    pending.set(2);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String header = tokens(Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8)).get().get("Authorization");
    assertThat(header).isEqualTo("Bearer " + jwt(now.plusSeconds(86400)));
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("open " + base + "/verify?code=ABCD");
    assertThat(grants).hasSize(3).allMatch(g -> g.contains("device_code=dc"));
    assertThat(Files.readString(root.resolve(".token"))).contains("id_token");
  }

  @Test
  void aMissingTokenFileIsNamed() {
    assertThatThrownBy(() -> tokens(Map.of("OIDC_AUTH_TOKEN_FILE", "/no/such/file"), System.out).get())
        .isInstanceOf(PandaException.class).hasMessageContaining("/no/such/file");
  }
}
