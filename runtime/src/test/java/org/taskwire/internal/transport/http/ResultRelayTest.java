package org.taskwire.internal.transport.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.taskwire.internal.transport.message.ResultMessage;
import org.taskwire.internal.transport.message.Route;

/** The relay over real HTTP on loopback. */
class ResultRelayTest {
  private ResultRelay relay;
  private RelayClient client;
  private final Route route = Route.random(0, 1);

  @BeforeEach
  void start() throws IOException {
    relay = ResultRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
    client = new RelayClient(relay.url().toString());
    relay.openRoute(route.internalId(), body -> !new String(body, StandardCharsets.UTF_8).contains("forged"));
  }

  @AfterEach
  void stop() {
    relay.close();
  }

  private static ResultMessage message(int n) {
    return new ResultMessage(Map.of("channel", "asyncresult", "internal_id", "x"),
        ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void pollsReturnOnlyWhatIsNewAfterTheCursor() throws IOException {
    client.publish(route, message(1));
    client.publish(route, message(2));
    RelayClient.Poll first = client.poll(route, 0, Duration.ZERO);
    assertThat(first.bodies()).extracting(b -> new String(b, StandardCharsets.UTF_8)).containsExactly("{\"n\":1}", "{\"n\":2}");
    assertThat(first.cursor()).isEqualTo(2);
    client.publish(route, message(3));
    RelayClient.Poll second = client.poll(route, first.cursor(), Duration.ZERO);
    assertThat(second.bodies()).extracting(b -> new String(b, StandardCharsets.UTF_8)).containsExactly("{\"n\":3}");
    assertThat(client.poll(route, second.cursor(), Duration.ZERO).bodies()).isEmpty();
    assertThatThrownBy(() -> client.poll(Route.random(0, 1), 0, Duration.ZERO)).as("a route nobody opened")
        .hasMessageContaining("HTTP 404");
  }

  @Test
  void onlyLiveRoutesAndAcceptedMessagesAreKeptAndMemoryIsBounded() throws Exception {
    assertThatThrownBy(() -> client.publish(Route.random(0, 1), message(1))).as("a route nobody opened")
        .isInstanceOf(IOException.class).hasMessageContaining("HTTP 404");
    ResultMessage forged = new ResultMessage(Map.of("channel", "asyncresult"),
        "{\"forged\":true}".getBytes(StandardCharsets.UTF_8));
    assertThatThrownBy(() -> client.publishAll(route, java.util.List.of(message(1), forged)))
        .isInstanceOf(IOException.class).hasMessageContaining("HTTP 403");
    assertThat(relay.storedBytes()).as("nothing of a refused post is kept").isZero();

    try (ResultRelay small = ResultRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096, 100)) {
      RelayClient c = new RelayClient(small.url().toString());
      small.openRoute(route.internalId(), body -> true);
      int stored = 0;
      IOException full = null;
      for (int i = 0; i < 50 && full == null; i++) {
        try {
          c.publish(route, message(i));
          stored++;
        } catch (IOException e) {
          full = e;
        }
      }
      assertThat(full).as("an excess is refused with an error the sender sees").isNotNull()
          .hasMessageContaining("HTTP 503");
      assertThat(small.storedBytes()).isLessThanOrEqualTo(100);
      // Reading frees: once the poller moves past them, there is room again.
      RelayClient.Poll poll = c.poll(route, 0, Duration.ZERO);
      assertThat(poll.bodies()).hasSize(stored);
      c.poll(route, poll.cursor(), Duration.ZERO);
      assertThat(small.storedBytes()).isZero();
      c.publish(route, message(99));
      assertThat(c.poll(route, poll.cursor(), Duration.ZERO).bodies()).hasSize(1);
      small.closeRoute(route.internalId());
      assertThat(small.storedBytes()).isZero();
      assertThatThrownBy(() -> c.publish(route, message(100))).hasMessageContaining("HTTP 404");
    }
  }

  @Test
  void longPollReturnsAsSoonAsAMessageArrives() throws Exception {
    CompletableFuture<RelayClient.Poll> waiting = CompletableFuture.supplyAsync(() -> {
      try {
        return client.poll(route, 0, Duration.ofSeconds(30));
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    Thread.sleep(200);
    assertThat(waiting).isNotDone();
    client.publish(route, message(7));
    RelayClient.Poll poll = waiting.get(10, TimeUnit.SECONDS);
    assertThat(poll.bodies()).hasSize(1);
  }

  @Test
  void longPollEndsEmptyAtItsDeadline() throws IOException {
    assertThat(client.poll(route, 0, Duration.ofMillis(300)).bodies()).isEmpty();
  }

  @Test
  void iddsStyleGetReturnsEveryBodyAsAList() throws Exception {
    client.publish(route, message(1));
    HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create(relay.url() + "/message/0/null/1/" + route.internalId())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("[{\"n\":1}]");
  }

  @Test
  void refusesOversizedAndNonResultEnvelopes() throws Exception {
    byte[] big = ("{\"pad\":\"" + "x".repeat(5000) + "\"}").getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> client.publish(route, new ResultMessage(Map.of("channel", "asyncresult"), big)))
        .isInstanceOf(IOException.class).hasMessageContaining("HTTP 413");
    assertThatThrownBy(() -> client.publish(route, new ResultMessage(Map.of("channel", "commands"), "{}".getBytes())))
        .isInstanceOf(IOException.class).hasMessageContaining("HTTP 400");
    HttpResponse<String> bad = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(relay.url() + "/message/0/null/1/" + route.internalId()))
        .POST(HttpRequest.BodyPublishers.ofString("{oops")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(bad.statusCode()).isEqualTo(400);
  }

  @Test
  void unreachableRelayIsAnIoError() {
    relay.close();
    assertThatThrownBy(() -> client.publish(route, message(1))).isInstanceOf(IOException.class);
  }
}
