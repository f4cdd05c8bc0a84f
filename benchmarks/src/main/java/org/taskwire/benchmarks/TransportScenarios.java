package org.taskwire.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.transport.Delivery;
import org.taskwire.internal.transport.ResultReceiver;
import org.taskwire.internal.transport.ResultSender;
import org.taskwire.internal.transport.message.Route;
import org.taskwire.internal.transport.message.SigningKey;
import org.taskwire.internal.transport.TransportSettings;
import org.taskwire.internal.transport.http.ResultRelay;
import org.taskwire.internal.transport.stomp.BrokerAddress;
import org.taskwire.internal.transport.stomp.BrokerSettings;
import org.taskwire.internal.transport.stomp.EmbeddedBroker;

/**
 * The result channels on their own, with the real broker, relay, signing and checking, and no
 * workers: how fast one collector takes results in, and how long the relay takes when the broker
 * is down.
 */
final class TransportScenarios {
  static final int MAX_BYTES = 4 << 20;
  static final String WORK_ID = Bench.class.getName() + "#blob";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private TransportScenarios() {}

  /**
   * result_fanin: publishers (one STOMP connection each, as each worker has) send signed 4 KB
   * results, {@code batch} at a time with their receipts awaited together, as fast as the
   * receipts allow; the figure is what the one collector accepted per second, from the first send
   * to the last acceptance.
   */
  static Figure resultFanIn(Plan plan, int publishers, int batch, String name, Harness.Log log) throws Exception {
    String runId = UUID.randomUUID().toString();
    try (EmbeddedBroker broker = EmbeddedBroker.start(MAX_BYTES + 65536)) {
      TransportSettings settings = brokerOnly(broker);
      Set<Long> seen = ConcurrentHashMap.newKeySet();
      int warmup = Math.max(100, plan.fanInResults() / 10);
      CountDownLatch warm = new CountDownLatch(warmup);
      CountDownLatch all = new CountDownLatch(warmup + plan.fanInResults());
      try (ResultReceiver receiver = ResultReceiver.open(settings, runId, r -> {
        if (seen.add(r.callId())) {
          warm.countDown();
          all.countDown();
        }
      }, TIMEOUT)) {
        List<ResultSender> senders = new ArrayList<>();
        for (int i = 0; i < publishers; i++) {
          senders.add(new ResultSender(settings, TIMEOUT));
        }
        try {
          publish(senders, runId, 0, warmup, batch);
          LocalScenarios.check(warm.await(60, TimeUnit.SECONDS), "warm-up results did not all arrive");
          log.say("%s: %,d results of 4 KB from %d publishers, %d per receipt wait", name, plan.fanInResults(),
              publishers, batch);
          long t0 = System.nanoTime();
          publish(senders, runId, warmup, plan.fanInResults(), batch);
          LocalScenarios.check(all.await(300, TimeUnit.SECONDS), "only " + (seen.size() - warmup) + " of "
              + plan.fanInResults() + " results arrived");
          double seconds = (System.nanoTime() - t0) / 1e9;
          LocalScenarios.check(receiver.rejected() == 0, receiver.rejected() + " messages were rejected");
          return Figure.of(name, plan.fanInResults() / seconds, "results/s", plan.fanInResults(),
              String.format("4 KB signed results, %d publishers sending %d per receipt wait, one collector checking "
                  + "signatures; %.2f s", publishers, batch, seconds));
        } finally {
          senders.forEach(ResultSender::close);
        }
      }
    }
  }

  /** Sends {@code count} results from ids {@code first} on, split over the senders' threads. */
  private static void publish(List<ResultSender> senders, String runId, long first, int count, int batch)
      throws Exception {
    List<Thread> threads = new ArrayList<>();
    AtomicLong next = new AtomicLong(first);
    long end = first + count;
    AtomicLong failed = new AtomicLong();
    for (ResultSender sender : senders) {
      Thread t = new Thread(() -> {
        byte[] output = new byte[4096];
        new Random(senders.indexOf(sender)).nextBytes(output);
        List<ResultSender.Outgoing> outgoing = new ArrayList<>(batch);
        long id;
        while ((id = next.getAndIncrement()) < end) {
          long now = System.currentTimeMillis();
          byte[] distinct = output.clone();
          java.nio.ByteBuffer.wrap(distinct).putLong(id);
          outgoing.add(new ResultSender.Outgoing(new ResultEnvelope(runId, id + 1, 1, distinct, null, now, now),
              WORK_ID, "kryo"));
          if (outgoing.size() == batch) {
            send(sender, outgoing, failed);
          }
        }
        send(sender, outgoing, failed);
      });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join();
    }
    LocalScenarios.check(failed.get() == 0, failed.get() + " results were not taken by the broker");
  }

  private static void send(ResultSender sender, List<ResultSender.Outgoing> outgoing, AtomicLong failed) {
    if (!outgoing.isEmpty()) {
      sender.sendAll(outgoing).stream().filter(d -> d != Delivery.STOMP).forEach(d -> failed.incrementAndGet());
      outgoing.clear();
    }
  }

  /**
   * relay_latency: the broker is down (nothing listens on its port), so each result goes to the
   * HTTP relay after the STOMP attempt fails; the figure is from the worker's send to the
   * collector's acceptance, one result at a time.
   */
  static Figure relayLatency(Plan plan, Harness.Log log) throws Exception {
    String runId = UUID.randomUUID().toString();
    int deadPort;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      deadPort = probe.getLocalPort();
    }
    try (ResultRelay relay = ResultRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), MAX_BYTES)) {
      Route route = Route.random(0, 0);
      SigningKey key = SigningKey.generate();
      relay.openRoute(route.internalId(), org.taskwire.internal.transport.message.ResultMessages.signedFor(route, runId, key));
      TransportSettings collectorSide = new TransportSettings(null, relay.url().toString(), route, key, MAX_BYTES);
      BrokerSettings down = new BrokerSettings(List.of(new BrokerAddress("127.0.0.1", deadPort, false)), null, null,
          BrokerSettings.DEFAULT_DESTINATION);
      TransportSettings workerSide = new TransportSettings(down, relay.url().toString(), route, key, MAX_BYTES);
      Map<Long, CompletableFuture<Long>> arrived = new ConcurrentHashMap<>();
      try (ResultReceiver receiver = ResultReceiver.open(collectorSide, runId,
              r -> arrival(arrived, r.callId()).complete(System.nanoTime()), TIMEOUT);
          ResultSender sender = new ResultSender(workerSide, TIMEOUT)) {
        int warmup = Math.max(5, plan.relayMessages() / 10);
        log.say("relay_latency: %d results with the broker down", plan.relayMessages());
        long[] nanos = new long[plan.relayMessages()];
        byte[] output = new byte[64];
        for (int i = -warmup; i < nanos.length; i++) {
          long id = i + warmup + 1;
          long now = System.currentTimeMillis();
          long t0 = System.nanoTime();
          Delivery d = sender.send(new ResultEnvelope(runId, id, 1, output, null, now, now), WORK_ID, "kryo");
          LocalScenarios.check(d == Delivery.RELAY, "result " + id + " went through " + d + ", not the relay");
          long at;
          try {
            at = arrival(arrived, id).get(30, TimeUnit.SECONDS);
          } catch (TimeoutException e) {
            throw new IOException("result " + id + " never arrived through the relay");
          }
          if (i >= 0) {
            nanos[i] = at - t0;
          }
        }
        return Figure.latencyMs("relay_latency", nanos,
            "broker port closed: failed STOMP connect, HTTP POST to the relay, collector's long poll");
      }
    }
  }

  /** A fresh route and key for results over {@code broker} alone, no relay. */
  static TransportSettings brokerOnly(EmbeddedBroker broker) {
    BrokerSettings brokers = new BrokerSettings(List.of(broker.address()), null, null, BrokerSettings.DEFAULT_DESTINATION);
    return new TransportSettings(brokers, null, Route.random(0, 0), SigningKey.generate(), MAX_BYTES);
  }

  /** The arrival time of a result, whichever side (sender or collector) asks first. */
  static CompletableFuture<Long> arrival(Map<Long, CompletableFuture<Long>> arrived, long id) {
    return arrived.computeIfAbsent(id, k -> new CompletableFuture<>());
  }
}
