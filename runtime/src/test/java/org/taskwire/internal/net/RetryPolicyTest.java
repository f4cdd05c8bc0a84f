package org.taskwire.internal.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/** The one retry policy for HTTP calls, against a real server on loopback. */
class RetryPolicyTest {
  private static HttpServer serverAnswering(int... codes) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    AtomicInteger n = new AtomicInteger();
    server.createContext("/", ex -> {
      int code = codes[Math.min(n.getAndIncrement(), codes.length - 1)];
      ex.sendResponseHeaders(code, -1);
      ex.close();
    });
    server.start();
    return server;
  }

  private static Request get(HttpServer server) {
    return new Request.Builder().url("http://127.0.0.1:" + server.getAddress().getPort() + "/x").build();
  }

  @Test
  void tryLaterAnswersAreRetriedWithDoublingWaitsUntilAnotherAnswer() throws Exception {
    HttpServer server = serverAnswering(503, 429, 200);
    List<String> retries = new ArrayList<>();
    try (Response r = new RetryPolicy(4, Duration.ofMillis(10)).execute(Http.shared(), get(server),
        (why, wait) -> retries.add(why + " " + wait.toMillis()))) {
      assertThat(r.code()).isEqualTo(200);
    } finally {
      server.stop(0);
    }
    assertThat(retries).containsExactly("HTTP 503 10", "HTTP 429 20");
  }

  @Test
  void otherAnswersAreTheCallersAndTheLastTryLaterAnswerIsReturned() throws Exception {
    HttpServer server = serverAnswering(404, 503);
    RetryPolicy policy = new RetryPolicy(2, Duration.ofMillis(1));
    try (Response first = policy.execute(Http.shared(), get(server), (why, wait) -> { })) {
      assertThat(first.code()).as("not retried").isEqualTo(404);
    }
    try (Response last = policy.execute(Http.shared(), get(server), (why, wait) -> { })) {
      assertThat(last.code()).isEqualTo(503);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void anUnreachableServerFailsAfterEveryAttempt() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    AtomicInteger retries = new AtomicInteger();
    Request request = new Request.Builder().url("http://127.0.0.1:" + port + "/").build();
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofMillis(1)).execute(Http.shared(), request,
        (why, wait) -> retries.incrementAndGet())).isInstanceOf(IOException.class);
    assertThat(retries).hasValue(2);
  }

  @Test
  void anInterruptedCallerIsNotRetried() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    AtomicInteger retries = new AtomicInteger();
    Request request = new Request.Builder().url("http://127.0.0.1:" + port + "/").build();
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(5)).execute(Http.shared(), request,
          (why, wait) -> retries.incrementAndGet())).isInstanceOf(IOException.class);
      assertThat(Thread.currentThread().isInterrupted()).as("the flag is kept").isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(retries).hasValue(0);
  }
}
