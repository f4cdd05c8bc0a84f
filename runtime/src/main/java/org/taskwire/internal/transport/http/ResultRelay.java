package org.taskwire.internal.transport.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.internal.threads.DaemonThreads;

/**
 * A small HTTP relay for result messages, speaking iDDS's message routes:
 * {@code POST /message/<request_id>/<workload_id>/<transform_id>/<internal_id>} stores the items of
 * an iDDS list envelope ({@code [{"headers": …, "body": …}]}), and {@code GET} on the same path
 * returns the stored bodies as a JSON list.
 *
 * <p>Beyond iDDS, which returns everything every time: {@code ?after=N} returns only the bodies
 * after the first N, and {@code &wait=S} holds the request up to S seconds (at most 60) until one
 * arrives. The response header {@value #CURSOR} gives the N for the next poll.
 *
 * <p>It serves only the routes opened on it ({@link #openRoute}): a post to any other route is
 * refused (404), and each message of a post must pass the route's check, in practice its run's
 * signature (403), so nobody on the machine can fill the client's memory with messages it would
 * drop anyway. What it holds is bounded: a post beyond the limit gets 503 with {@code Retry-After},
 * which the sender treats like any refusal (it keeps the result and uses its next channel).
 * Bodies a poll has moved past ({@code after=N}) are freed. Also refused: bodies over the size
 * limit (413) and envelopes that are not async results (400).
 */
public final class ResultRelay implements AutoCloseable {
  /** Response header carrying the cursor for the next poll. */
  public static final String CURSOR = "X-Taskwire-Cursor";

  private static final Logger LOG = LoggerFactory.getLogger(ResultRelay.class);
  private static final ObjectMapper MAPPER = JsonMapper.builder().build();
  private static final Duration MAX_WAIT = Duration.ofSeconds(60);
  private static final String NODELAY = "sun.net.httpserver.nodelay";

  private final HttpServer server;
  private final ExecutorService executor;
  private final int maxBodyBytes;
  private final long maxStoredBytes;
  private final java.util.concurrent.atomic.AtomicLong storedBytes = new java.util.concurrent.atomic.AtomicLong();
  private final Map<String, Mailbox> mailboxes = new ConcurrentHashMap<>();

  /**
   * Messages stored for one live route, in arrival order. Positions count from the route's first
   * message; those before {@code base} were read and freed.
   */
  private final class Mailbox {
    private final java.util.function.Predicate<byte[]> accepts;
    private final List<byte[]> bodies = new ArrayList<>();
    private int base;

    Mailbox(java.util.function.Predicate<byte[]> accepts) {
      this.accepts = accepts;
    }

    synchronized void add(List<byte[]> more) {
      bodies.addAll(more);
      notifyAll();
    }

    synchronized List<byte[]> after(int cursor, long waitNanos) throws InterruptedException {
      free(cursor);
      long deadline = System.nanoTime() + waitNanos;
      while (base + bodies.size() <= cursor) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return List.of();
        }
        wait(Math.max(1, left / 1_000_000));
      }
      return List.copyOf(bodies.subList(Math.max(0, cursor - base), bodies.size()));
    }

    /** The reader has everything before {@code cursor}: let it go. */
    private void free(int cursor) {
      int n = Math.min(bodies.size(), cursor - base);
      if (n > 0) {
        List<byte[]> read = bodies.subList(0, n);
        storedBytes.addAndGet(-read.stream().mapToLong(b -> b.length).sum());
        read.clear();
        base += n;
      }
    }

    synchronized void clear() {
      storedBytes.addAndGet(-bodies.stream().mapToLong(b -> b.length).sum());
      bodies.clear();
      notifyAll();
    }
  }

  private ResultRelay(HttpServer server, ExecutorService executor, int maxBodyBytes, long maxStoredBytes) {
    this.server = server;
    this.executor = executor;
    this.maxBodyBytes = maxBodyBytes;
    this.maxStoredBytes = maxStoredBytes;
  }

  /**
   * Serves a route from now on: posts to it are stored when every message passes {@code accepts}.
   *
   * @param accepts checks one message body, e.g. its signature
   */
  public void openRoute(String internalId, java.util.function.Predicate<byte[]> accepts) {
    mailboxes.putIfAbsent(internalId, new Mailbox(accepts));
  }

  /** Stops serving a route and frees what it holds. */
  public void closeRoute(String internalId) {
    Mailbox m = mailboxes.remove(internalId);
    if (m != null) {
      m.clear();
    }
  }

  /** Bytes of message bodies held now. */
  public long storedBytes() {
    return storedBytes.get();
  }

  /**
   * Starts a relay that holds up to 64 of the largest bodies at once.
   *
   * @param address where to listen, e.g. loopback port 0 for any free port
   * @param maxBodyBytes the largest request body accepted
   */
  public static ResultRelay start(InetSocketAddress address, int maxBodyBytes) throws IOException {
    return start(address, maxBodyBytes, 64L * maxBodyBytes);
  }

  /**
   * Starts a relay.
   *
   * @param address where to listen, e.g. loopback port 0 for any free port
   * @param maxBodyBytes the largest request body accepted
   * @param maxStoredBytes the most body bytes held at once, over all routes
   */
  public static ResultRelay start(InetSocketAddress address, int maxBodyBytes, long maxStoredBytes) throws IOException {
    // The JDK server writes a response's headers and body separately; without TCP_NODELAY the body
    // waits for the client's delayed ACK, 40 ms per poll. Read once, when the server is first used.
    if (System.getProperty(NODELAY) == null) {
      System.setProperty(NODELAY, "true");
    }
    HttpServer server = HttpServer.create(address, 64);
    ExecutorService executor = Executors.newFixedThreadPool(32, DaemonThreads.factory("taskwire-relay"));
    ResultRelay relay = new ResultRelay(server, executor, maxBodyBytes, maxStoredBytes);
    server.createContext("/message/", relay::handle);
    server.setExecutor(executor);
    server.start();
    return relay;
  }

  /** The base URL clients use, e.g. {@code http://127.0.0.1:40213}. */
  public URI url() {
    InetSocketAddress a = server.getAddress();
    return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String[] parts = exchange.getRequestURI().getPath().split("/");
      // "", "message", request_id, workload_id, transform_id, internal_id
      if (parts.length != 6 || parts[5].isEmpty() || "null".equals(parts[5])) {
        reply(exchange, 404, "{\"error\":\"expected /message/<request_id>/<workload_id>/<transform_id>/<internal_id>\"}");
        return;
      }
      String internalId = parts[5];
      switch (exchange.getRequestMethod()) {
        case "POST" -> post(exchange, internalId);
        case "GET" -> get(exchange, internalId);
        default -> reply(exchange, 405, "{\"error\":\"use GET or POST\"}");
      }
    } catch (RuntimeException e) {
      LOG.warn("relay request failed", e);
    }
  }

  private void post(HttpExchange exchange, String internalId) throws IOException {
    Mailbox mailbox = mailboxes.get(internalId);
    if (mailbox == null) {
      exchange.getRequestBody().close();
      reply(exchange, 404, "{\"error\":\"no run is listening on this route\"}");
      return;
    }
    byte[] body;
    try (InputStream in = exchange.getRequestBody()) {
      body = in.readNBytes(maxBodyBytes + 1);
    }
    if (body.length > maxBodyBytes) {
      reply(exchange, 413, "{\"error\":\"message larger than " + maxBodyBytes + " bytes\"}");
      return;
    }
    JsonNode envelope;
    try {
      envelope = MAPPER.readTree(body);
    } catch (IOException e) {
      reply(exchange, 400, "{\"error\":\"malformed JSON\"}");
      return;
    }
    if (envelope == null || !envelope.isArray() || envelope.isEmpty()
        || !"asyncresult".equals(envelope.get(0).path("headers").path("channel").asText())) {
      reply(exchange, 400, "{\"error\":\"expected a list of {headers: {channel: asyncresult, ...}, body: {...}}\"}");
      return;
    }
    List<byte[]> bodies = new ArrayList<>();
    for (JsonNode item : envelope) {
      if (!item.path("body").isObject()) {
        reply(exchange, 400, "{\"error\":\"an item has no body object\"}");
        return;
      }
      byte[] one = MAPPER.writeValueAsBytes(item.get("body"));
      if (!mailbox.accepts.test(one)) {
        reply(exchange, 403, "{\"error\":\"a message is not a signed result of this route's run\"}");
        return;
      }
      bodies.add(one);
    }
    long size = bodies.stream().mapToLong(b -> b.length).sum();
    if (storedBytes.addAndGet(size) > maxStoredBytes) {
      storedBytes.addAndGet(-size);
      exchange.getResponseHeaders().set("Retry-After", "1");
      reply(exchange, 503, "{\"error\":\"the relay holds " + maxStoredBytes + " bytes already; retry later\"}");
      return;
    }
    if (mailboxes.get(internalId) != mailbox) {
      storedBytes.addAndGet(-size);
      reply(exchange, 404, "{\"error\":\"no run is listening on this route\"}");
      return;
    }
    mailbox.add(bodies);
    reply(exchange, 200, "{\"stored\":" + bodies.size() + "}");
  }

  private void get(HttpExchange exchange, String internalId) throws IOException {
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    int after;
    long waitNanos;
    try {
      after = Integer.parseInt(query.getOrDefault("after", "0"));
      double seconds = Double.parseDouble(query.getOrDefault("wait", "0"));
      waitNanos = Math.min((long) (seconds * 1e9), MAX_WAIT.toNanos());
    } catch (NumberFormatException e) {
      reply(exchange, 400, "{\"error\":\"after and wait must be numbers\"}");
      return;
    }
    Mailbox mailbox = mailboxes.get(internalId);
    if (mailbox == null) {
      reply(exchange, 404, "{\"error\":\"no run is listening on this route\"}");
      return;
    }
    List<byte[]> bodies;
    try {
      bodies = mailbox.after(after, waitNanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    ArrayNode list = MAPPER.createArrayNode();
    for (byte[] b : bodies) {
      list.add(MAPPER.readTree(b));
    }
    exchange.getResponseHeaders().set(CURSOR, Integer.toString(after + bodies.size()));
    reply(exchange, 200, MAPPER.writeValueAsString(list));
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> map = new java.util.HashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          map.put(pair.substring(0, eq), pair.substring(eq + 1));
        }
      }
    }
    return map;
  }

  private static void reply(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
