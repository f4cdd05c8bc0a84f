package org.taskwire.internal.backend.panda;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.taskwire.internal.net.RetryPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PanDA's v1 HTTP API ({@code /api/v1/<module>/<method>}) with the server's rules: POST bodies are
 * JSON objects with {@code Content-Type} and {@code Accept} exactly {@code application/json} (the
 * server compares the strings; a charset breaks it) and a {@code Content-Length}; answers are the
 * {@code {success, message, data}} envelope. A 200 with {@code success: false} and a 403 become a
 * {@link PandaException} with the server's message; connection errors and 503 are retried with
 * back-off.
 */
public final class PandaClient {
  private static final Logger LOG = LoggerFactory.getLogger(PandaClient.class);
  private static final MediaType JSON = MediaType.get("application/json");
  static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private final URI server;
  private final OkHttpClient http;
  private final Supplier<Map<String, String>> authHeaders;
  private final int attempts;
  private final Duration firstBackoff;

  /**
   * A client for one server.
   *
   * @param authHeaders headers added to every call (Bearer token and Origin for OIDC); may be empty
   */
  public PandaClient(URI server, OkHttpClient http, Supplier<Map<String, String>> authHeaders, int attempts,
      Duration firstBackoff) {
    this.server = server;
    this.http = http;
    this.authHeaders = authHeaders;
    this.attempts = attempts;
    this.firstBackoff = firstBackoff;
  }

  /** The server's answer: {@code success}, {@code message} and {@code data}. */
  public record Envelope(boolean success, String message, JsonNode data) {}

  /** A POST call with a JSON object of parameters; returns the envelope's {@code data}. */
  public JsonNode post(String module, String method, Map<String, ?> parameters) {
    return checked(module + "/" + method, postEnvelope(module, method, parameters));
  }

  /** A GET call; list values become repeated keys, as the server expects. */
  public JsonNode get(String module, String method, Map<String, ?> parameters) {
    return checked(module + "/" + method, getEnvelope(module, method, parameters));
  }

  /**
   * A POST call whose {@code success: false} answers are part of the protocol (such as
   * {@code NOTFOUND}): returns the whole envelope; HTTP errors still throw.
   */
  public Envelope postEnvelope(String module, String method, Map<String, ?> parameters) {
    byte[] body;
    try {
      body = MAPPER.writeValueAsBytes(parameters);
    } catch (IOException e) {
      throw new PandaException(module + "/" + method, 0, "cannot encode the parameters: " + e.getMessage(), e);
    }
    Request.Builder request = new Request.Builder().url(url(module, method).build())
        // A byte[] body keeps the media type exactly as given: no charset is appended.
        .post(RequestBody.create(body, JSON));
    return call(module + "/" + method, request);
  }

  /** A GET call returning the whole envelope; see {@link #postEnvelope}. */
  public Envelope getEnvelope(String module, String method, Map<String, ?> parameters) {
    HttpUrl.Builder url = url(module, method);
    parameters.forEach((k, v) -> {
      if (v instanceof List<?> list) {
        list.forEach(item -> url.addQueryParameter(k, String.valueOf(item)));
      } else {
        url.addQueryParameter(k, v == null ? "None" : String.valueOf(v));
      }
    });
    return call(module + "/" + method, new Request.Builder().url(url.build()).get());
  }

  /**
   * Uploads a file as {@code multipart/form-data} with the single field {@code file}, as
   * {@code file_server/upload_cache_file} expects: the part's file name is the base name only
   * (the server picks the size class from it) and no JSON content type is sent.
   */
  public Envelope upload(String module, String method, java.nio.file.Path file) {
    RequestBody body = new okhttp3.MultipartBody.Builder()
        .setType(okhttp3.MultipartBody.FORM)
        .addFormDataPart("file", file.getFileName().toString(),
            RequestBody.create(file.toFile(), MediaType.get("application/octet-stream")))
        .build();
    return call(module + "/" + method, new Request.Builder().url(url(module, method).build()).post(body));
  }

  private static JsonNode checked(String name, Envelope envelope) {
    if (!envelope.success()) {
      throw new PandaException(name, 200, envelope.message().isEmpty() ? "(no message)" : envelope.message(), null);
    }
    return envelope.data();
  }

  private HttpUrl.Builder url(String module, String method) {
    return HttpUrl.get(server.toString()).newBuilder()
        .addPathSegment("api").addPathSegment("v1").addPathSegment(module).addPathSegment(method);
  }

  private Envelope call(String name, Request.Builder builder) {
    builder.header("Accept", "application/json");
    authHeaders.get().forEach(builder::header);
    Request request = builder.build();
    RetryPolicy retries = new RetryPolicy(attempts, firstBackoff);
    try (Response response = retries.execute(http, request,
        (why, wait) -> LOG.warn("{}: {}; retrying in {} ms", name, why, wait.toMillis()))) {
      return envelope(name, response.code(), response.body().string());
    } catch (IOException e) {
      // OkHttp reports a timeout as an InterruptedIOException too: only the thread's flag says "interrupted".
      if (Thread.currentThread().isInterrupted()) {
        throw new PandaException(name, 0, "interrupted", e);
      }
      throw new PandaException(name, 0, "cannot reach PanDA at " + server + " after " + attempts + " attempts: "
          + e.getMessage(), e);
    }
  }

  private static Envelope envelope(String name, int status, String text) {
    if (status != 200) {
      String what = switch (status) {
        case 403 -> "forbidden or authentication failed";
        case 503 -> "PanDA is overloaded";
        default -> "HTTP " + status;
      };
      throw new PandaException(name, status, what + ": " + text.strip(), null);
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (IOException e) {
      throw new PandaException(name, status, "the answer is not JSON: " + abbreviate(text), e);
    }
    if (root == null || !root.isObject() || !root.has("success")) {
      throw new PandaException(name, status, "the answer is not a {success, message, data} envelope: "
          + abbreviate(text), null);
    }
    JsonNode message = root.path("message");
    return new Envelope(root.get("success").asBoolean(), message.isNull() ? "" : message.asText(""), root.path("data"));
  }

  /** Reads PanDA's {@code {"__datetime__": "YYYY-MM-DDTHH:MM:SS[.ffffff]"}} (naive UTC). */
  public static Instant instant(JsonNode node) {
    JsonNode value = node == null ? null : node.get("__datetime__");
    if (value == null || !value.isTextual()) {
      return null;
    }
    return LocalDateTime.parse(value.asText()).toInstant(ZoneOffset.UTC);
  }

  private static String abbreviate(String text) {
    String t = text.strip();
    return t.length() > 200 ? t.substring(0, 200) + "..." : t;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PandaException("panda", 0, "interrupted", e);
    }
  }
}
