package org.taskwire.internal.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.taskwire.internal.net.Http;
import org.taskwire.internal.transport.message.ResultMessage;
import org.taskwire.internal.transport.message.Route;

/** Publishes result messages to, and polls them from, a {@link ResultRelay} (or iDDS's REST routes). */
public final class RelayClient {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  private final HttpUrl base;
  private final OkHttpClient http;

  /** What a poll returned: new message bodies and the cursor for the next poll. */
  public record Poll(List<byte[]> bodies, int cursor) {}

  public RelayClient(String baseUrl) {
    HttpUrl parsed = HttpUrl.parse(baseUrl);
    if (parsed == null) {
      throw new IllegalArgumentException("malformed relay URL '" + baseUrl + "'");
    }
    this.base = parsed;
    this.http = Http.shared().newBuilder()
        .connectTimeout(Duration.ofSeconds(5))
        .readTimeout(Duration.ofSeconds(90))
        .callTimeout(Duration.ofSeconds(120))
        .build();
  }

  private HttpUrl.Builder path(Route route) {
    return base.newBuilder()
        .addPathSegment("message")
        .addPathSegment(Long.toString(route.requestId()))
        .addPathSegment("null")
        .addPathSegment(Long.toString(route.transformId()))
        .addPathSegment(route.internalId());
  }

  /**
   * Posts one message in iDDS's list envelope.
   *
   * @throws IOException if the relay cannot be reached or refuses the message
   */
  public void publish(Route route, ResultMessage message) throws IOException {
    publishAll(route, java.util.List.of(message));
  }

  /**
   * Posts several messages in one iDDS list envelope, one item each.
   *
   * @throws IOException if the relay cannot be reached or refuses them
   */
  public void publishAll(Route route, java.util.List<ResultMessage> messages) throws IOException {
    ArrayNode envelope = MAPPER.createArrayNode();
    for (ResultMessage message : messages) {
      ObjectNode item = envelope.addObject();
      ObjectNode headers = item.putObject("headers");
      message.headers().forEach(headers::put);
      item.set("body", MAPPER.readTree(message.body()));
      item.put("msg_type", "async_result");
    }
    Request request = new Request.Builder()
        .url(path(route).build())
        .post(RequestBody.create(MAPPER.writeValueAsBytes(envelope), JSON))
        .build();
    try (Response response = http.newCall(request).execute()) {
      if (!response.isSuccessful()) {
        throw new IOException("the relay refused the result: HTTP " + response.code() + " " + response.body().string());
      }
    }
  }

  /**
   * Returns the messages after {@code cursor}, waiting up to {@code wait} for one to arrive.
   *
   * @throws IOException if the relay cannot be reached or answers with an error
   */
  public Poll poll(Route route, int cursor, Duration wait) throws IOException {
    HttpUrl url = path(route)
        .addQueryParameter("after", Integer.toString(cursor))
        .addQueryParameter("wait", Double.toString(wait.toMillis() / 1000.0))
        .build();
    try (Response response = http.newCall(new Request.Builder().url(url).get().build()).execute()) {
      if (!response.isSuccessful()) {
        throw new IOException("relay poll failed: HTTP " + response.code());
      }
      JsonNode list = MAPPER.readTree(response.body().bytes());
      List<byte[]> bodies = new ArrayList<>();
      for (JsonNode body : list) {
        bodies.add(MAPPER.writeValueAsBytes(body));
      }
      String next = response.header(ResultRelay.CURSOR);
      return new Poll(bodies, next == null ? cursor + bodies.size() : Integer.parseInt(next));
    }
  }
}
