package org.taskwire.internal.backend.panda;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The OIDC ID token PanDA wants, found the way panda-client finds it: {@code PANDA_AUTH_ID_TOKEN},
 * then the file {@code OIDC_AUTH_TOKEN_FILE} names, then {@code OIDC_AUTH_ID_TOKEN}, then the cached
 * token endpoint answer in {@code $PANDA_CONFIG_ROOT/.token} — refreshed with its refresh token when
 * it expires within 5 minutes — and otherwise a device-code login that prints the URL to open.
 * Supplies {@code Authorization: Bearer <token>} and {@code Origin: <vo>}.
 */
final class OidcTokens implements Supplier<Map<String, String>> {
  private static final Duration MARGIN = Duration.ofMinutes(5);

  private final PandaSettings settings;
  private final Map<String, String> env;
  private final OkHttpClient http;
  private final PrintStream prompt;
  private final Clock clock;
  private final Sleeper sleeper;
  private String token;
  private Instant expires = Instant.MIN;

  /** Waits between device-code polls; tests replace it. */
  interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
  }

  OidcTokens(PandaSettings settings, Map<String, String> env, OkHttpClient http, PrintStream prompt, Clock clock,
      Sleeper sleeper) {
    this.settings = settings;
    this.env = env;
    this.http = http;
    this.prompt = prompt;
    this.clock = clock;
    this.sleeper = sleeper;
  }

  @Override
  public synchronized Map<String, String> get() {
    if (token == null || clock.instant().plus(MARGIN).isAfter(expires)) {
      token = find();
      expires = expiry(token);
    }
    return Map.of("Authorization", "Bearer " + token, "Origin", settings.vo());
  }

  private String find() {
    String direct = env.get("PANDA_AUTH_ID_TOKEN");
    if (direct != null && !direct.isBlank()) {
      return direct.trim();
    }
    String file = env.get("OIDC_AUTH_TOKEN_FILE");
    if (file != null && !file.isBlank()) {
      try {
        return Files.readString(Path.of(file)).trim();
      } catch (IOException e) {
        throw new PandaException("auth", 0, "cannot read OIDC_AUTH_TOKEN_FILE " + file + ": " + e.getMessage(), e);
      }
    }
    String other = env.get("OIDC_AUTH_ID_TOKEN");
    if (other != null && !other.isBlank()) {
      return other.trim();
    }
    Path cache = settings.configRoot().resolve(".token");
    try {
      if (Files.isRegularFile(cache)) {
        JsonNode saved = PandaClient.MAPPER.readTree(cache.toFile());
        String id = saved.path("id_token").asText(null);
        if (id != null && clock.instant().plus(MARGIN).isBefore(expiry(id))) {
          return id;
        }
        String refresh = saved.path("refresh_token").asText(null);
        if (refresh != null) {
          JsonNode fresh = tokenRequest(new FormBody.Builder()
              .add("client_id", config().path("client_id").asText())
              .add("client_secret", config().path("client_secret").asText(""))
              .add("grant_type", "refresh_token")
              .add("refresh_token", refresh));
          if (fresh.hasNonNull("id_token")) {
            save(cache, fresh);
            return fresh.get("id_token").asText();
          }
        }
      }
      return deviceLogin(cache);
    } catch (IOException e) {
      throw new PandaException("auth", 0, "OIDC login failed: " + e.getMessage(), e);
    }
  }

  private JsonNode authConfig;
  private JsonNode openidConfig;

  /** {@code /auth/<vo>_auth_config.json} on the PanDA server. */
  private JsonNode config() throws IOException {
    if (authConfig == null) {
      authConfig = getJson(settings.server() + "/auth/" + settings.vo() + "_auth_config.json");
    }
    return authConfig;
  }

  private JsonNode openid() throws IOException {
    if (openidConfig == null) {
      openidConfig = getJson(config().path("oidc_config_url").asText());
    }
    return openidConfig;
  }

  private String deviceLogin(Path cache) throws IOException {
    JsonNode c = config();
    String scope = "openid profile email offline_access" + ("wlcg".equals(c.path("jwt_profile").asText()) ? " wlcg wlcg.groups" : "");
    FormBody.Builder form = new FormBody.Builder().add("client_id", c.path("client_id").asText()).add("scope", scope);
    if (c.hasNonNull("audience")) {
      form.add("audience", c.get("audience").asText());
    }
    JsonNode device = postForm(openid().path("device_authorization_endpoint").asText(), form.build());
    String url = device.path("verification_uri_complete").asText(device.path("verification_uri").asText());
    prompt.println("PanDA login for VO " + settings.vo() + ": open " + url + " and approve; waiting...");
    long interval = device.path("interval").asLong(5) + 1;
    Instant deadline = clock.instant().plusSeconds(device.path("expires_in").asLong(600));
    while (clock.instant().isBefore(deadline)) {
      FormBody.Builder poll = new FormBody.Builder()
          .add("client_id", c.path("client_id").asText())
          .add("grant_type", "urn:ietf:params:oauth:grant-type:device_code")
          .add("device_code", device.path("device_code").asText());
      if (c.hasNonNull("client_secret")) {
        poll.add("client_secret", c.get("client_secret").asText());
      }
      JsonNode answer = tokenRequest(poll);
      if (answer.hasNonNull("id_token")) {
        save(cache, answer);
        prompt.println("PanDA login done; the token is cached in " + cache);
        return answer.get("id_token").asText();
      }
      String error = answer.path("error").asText();
      if (!error.equals("authorization_pending") && !error.equals("slow_down")) {
        throw new IOException("the token endpoint refused the login: " + answer);
      }
      try {
        sleeper.sleep(Duration.ofSeconds(interval));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted during login", e);
      }
    }
    throw new IOException("the login was not approved in time");
  }

  /** The token endpoint answers errors such as {@code authorization_pending} as JSON, so any status is read. */
  private JsonNode tokenRequest(FormBody.Builder form) throws IOException {
    return json(new Request.Builder().url(openid().path("token_endpoint").asText()).post(form.build()).build(), false);
  }

  private JsonNode postForm(String url, FormBody body) throws IOException {
    return json(new Request.Builder().url(url).post(body).build(), true);
  }

  private JsonNode getJson(String url) throws IOException {
    return json(new Request.Builder().url(url).build(), true);
  }

  private JsonNode json(Request request, boolean requireSuccess) throws IOException {
    try (Response r = http.newCall(request).execute()) {
      if (requireSuccess && !r.isSuccessful()) {
        throw new IOException("HTTP " + r.code() + " from " + request.url());
      }
      return PandaClient.MAPPER.readTree(r.body().string());
    }
  }

  private static void save(Path cache, JsonNode answer) throws IOException {
    Files.createDirectories(cache.getParent());
    Path tmp = Files.createTempFile(cache.getParent(), ".token", ".tmp");
    Files.write(tmp, PandaClient.MAPPER.writeValueAsBytes(answer));
    Files.move(tmp, cache, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The {@code exp} of a JWT, read without verifying it (the server verifies). */
  static Instant expiry(String jwt) {
    String[] parts = jwt.split("\\.");
    if (parts.length < 2) {
      return Instant.MAX; // not a JWT: an opaque token with no known expiry
    }
    try {
      JsonNode payload = PandaClient.MAPPER.readTree(Base64.getUrlDecoder().decode(pad(parts[1])));
      return payload.has("exp") ? Instant.ofEpochSecond(payload.get("exp").asLong()) : Instant.MAX;
    } catch (IOException | IllegalArgumentException e) {
      return Instant.MAX;
    }
  }

  private static String pad(String s) {
    return s + "=".repeat((4 - s.length() % 4) % 4);
  }
}
