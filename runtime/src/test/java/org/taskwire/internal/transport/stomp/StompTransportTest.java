package org.taskwire.internal.transport.stomp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.taskwire.internal.transport.message.ResultMessage;
import org.taskwire.internal.transport.message.Route;

/** Spring's STOMP client against a real embedded ActiveMQ broker. */
@Timeout(120)
class StompTransportTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private EmbeddedBroker broker;
  private BrokerSettings settings;

  @BeforeEach
  void start() throws Exception {
    broker = EmbeddedBroker.start(1 << 20);
    settings = new BrokerSettings(List.of(broker.address()), null, null, BrokerSettings.DEFAULT_DESTINATION);
  }

  @AfterEach
  void stop() {
    broker.close();
  }

  private static ResultMessage message(Route route, int n) {
    return new ResultMessage(Map.of("internal_id", route.internalId(), "channel", "asyncresult"),
        ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void everyMessageArrivesExactlyOnceAndTheSelectorFilters() throws Exception {
    Route mine = Route.random(0, 1);
    Route other = Route.random(0, 1);
    Set<String> seen = ConcurrentHashMap.newKeySet();
    AtomicInteger received = new AtomicInteger();
    AtomicInteger foreign = new AtomicInteger();
    CountDownLatch all = new CountDownLatch(1000);
    try (StompResultSubscriber s = StompResultSubscriber.open(settings, mine, body -> {
          received.incrementAndGet();
          seen.add(new String(body, StandardCharsets.UTF_8));
          all.countDown();
        }, () -> {}, TIMEOUT);
        StompResultSubscriber o = StompResultSubscriber.open(settings, other, body -> foreign.incrementAndGet(), () -> {}, TIMEOUT);
        StompResultPublisher publisher = new StompResultPublisher(settings, TIMEOUT)) {
      for (int i = 0; i < 1000; i++) {
        assertThat(publisher.publish(message(mine, i))).isTrue();
      }
      assertThat(all.await(30, TimeUnit.SECONDS)).isTrue();
      Thread.sleep(200);
      assertThat(received).hasValue(1000);
      assertThat(seen).hasSize(1000);
      assertThat(foreign).hasValue(0);
    }
  }

  @Test
  void brokerOutageFailsPublishingAndTheSubscriptionComesBack() throws Exception {
    Route route = Route.random(0, 1);
    List<String> bodies = new CopyOnWriteArrayList<>();
    CountDownLatch resubscribed = new CountDownLatch(1);
    try (StompResultSubscriber s = StompResultSubscriber.open(settings, route,
            body -> bodies.add(new String(body, StandardCharsets.UTF_8)), resubscribed::countDown, TIMEOUT);
        StompResultPublisher publisher = new StompResultPublisher(settings, TIMEOUT)) {
      assertThat(publisher.publish(message(route, 1))).isTrue();
      // A receipt means the broker took the message, not that it reached subscribers yet.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (bodies.isEmpty() && System.nanoTime() < until) {
        Thread.sleep(10);
      }
      broker.stop();
      assertThat(publisher.publish(message(route, 2))).as("no broker, no receipt").isFalse();
      broker.restart();
      assertThat(resubscribed.await(30, TimeUnit.SECONDS)).as("resubscribed after the restart").isTrue();
      assertThat(s.connected()).isTrue();
      // The publisher leaves a broker that failed alone for a moment (results take the relay meanwhile).
      long back = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      boolean confirmed = false;
      while (!confirmed && System.nanoTime() < back) {
        confirmed = publisher.publish(message(route, 3));
        if (!confirmed) {
          Thread.sleep(100);
        }
      }
      assertThat(confirmed).as("publishing resumes once the broker is back").isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (bodies.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(bodies).containsExactly("{\"n\":1}", "{\"n\":3}");
    }
  }

  @Test
  void withSeveralBrokersPublishingFailsOverAndTheSubscriberHearsEveryBroker() throws Exception {
    try (EmbeddedBroker second = EmbeddedBroker.start(1 << 20)) {
      BrokerSettings both = new BrokerSettings(List.of(broker.address(), second.address()), null, null,
          BrokerSettings.DEFAULT_DESTINATION);
      Route route = Route.random(0, 1);
      List<String> bodies = new CopyOnWriteArrayList<>();
      try (StompResultSubscriber s = StompResultSubscriber.open(both, route,
              body -> bodies.add(new String(body, StandardCharsets.UTF_8)), () -> {}, TIMEOUT);
          StompResultPublisher publisher = new StompResultPublisher(both, TIMEOUT)) {
        for (int i = 0; i < 10; i++) {
          assertThat(publisher.publish(message(route, i))).isTrue();
        }
        // A receipt is not dispatch: a broker stopped right after a receipt may lose that message (the
        // backends cover that window with the relay and the worker's record). Stop it once it has delivered.
        long delivered = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (bodies.size() < 10 && System.nanoTime() < delivered) {
          Thread.sleep(20);
        }
        second.stop();
        for (int i = 10; i < 20; i++) {
          assertThat(publisher.publish(message(route, i))).as("fails over to the live broker").isTrue();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (bodies.size() < 20 && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
        assertThat(bodies).hasSize(20).doesNotHaveDuplicates();
      }
    }
  }

  @Test
  void anUnreachableBrokerDoesNotStopTheSubscriberWhichSubscribesOnceItAnswers() throws Exception {
    broker.stop();
    CountDownLatch up = new CountDownLatch(1);
    Route route = Route.random(0, 1);
    List<String> bodies = new CopyOnWriteArrayList<>();
    try (StompResultSubscriber s = StompResultSubscriber.open(settings, route,
        body -> bodies.add(new String(body, StandardCharsets.UTF_8)), up::countDown, TIMEOUT)) {
      assertThat(s.connectedCount()).isZero();
      broker.restart();
      assertThat(up.await(30, TimeUnit.SECONDS)).as("subscribed in the background").isTrue();
      assertThat(s.connectedCount()).isEqualTo(1);
      try (StompResultPublisher publisher = new StompResultPublisher(settings, TIMEOUT)) {
        assertThat(publisher.publish(message(route, 4))).isTrue();
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (bodies.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(bodies).containsExactly("{\"n\":4}");
    }
  }

  @Test
  void addressesParse() {
    assertThat(BrokerAddress.parseList("stomp://a:61613, stomp+ssl://b.example:61614,c:1"))
        .containsExactly(new BrokerAddress("a", 61613, false), new BrokerAddress("b.example", 61614, true),
            new BrokerAddress("c", 1, false));
    assertThatThrownBy(() -> BrokerAddress.parse("amqp://a:1")).hasMessageContaining("use stomp://host:port");
    assertThatThrownBy(() -> BrokerAddress.parse("stomp://nohost")).hasMessageContaining("malformed broker URL");
  }
}
