package org.taskwire.internal.transport;

import org.taskwire.internal.transport.message.ResultMessage;
import org.taskwire.internal.transport.message.Route;
import org.taskwire.internal.transport.message.ResultMessages;
import org.taskwire.internal.transport.message.SigningKey;
import org.taskwire.internal.transport.message.RejectedMessageException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.transport.http.RelayClient;
import org.taskwire.internal.transport.http.ResultRelay;
import org.taskwire.internal.transport.stomp.BrokerSettings;
import org.taskwire.internal.transport.stomp.EmbeddedBroker;
import org.taskwire.internal.transport.stomp.StompResultPublisher;

/** The receiver against a real embedded broker and relay, fed good and bad messages. */
@Timeout(60)
class ResultReceiverTest {
  private static final int MAX = 64 * 1024;
  private EmbeddedBroker broker;
  private ResultRelay relay;
  private TransportSettings settings;
  private final List<ResultEnvelope> received = new CopyOnWriteArrayList<>();
  private ResultReceiver receiver;

  @BeforeEach
  void start() throws Exception {
    broker = EmbeddedBroker.start(4 * MAX);
    relay = ResultRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4 * MAX);
    settings = new TransportSettings(
        new BrokerSettings(List.of(broker.address()), null, null, BrokerSettings.DEFAULT_DESTINATION),
        relay.url().toString(), Route.random(0, 0), SigningKey.generate(), MAX);
    relay.openRoute(settings.route().internalId(), ResultMessages.signedFor(settings.route(), "run-1", settings.key()));
    receiver = ResultReceiver.open(settings, "run-1", received::add, Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    receiver.close();
    relay.close();
    broker.close();
  }

  private ResultEnvelope result(long call, int attempt, int size) {
    return ResultEnvelope.success(new CallEnvelope("run-1", call, attempt, "demo.F#f", "kryo", null), new byte[size], 0, 0);
  }

  private ResultMessage signed(ResultEnvelope r, SigningKey key, Route route) {
    return ResultMessages.encode(r, new ResultMessages.Context(route, "demo.F#f", "kryo"), key);
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(condition.getAsBoolean()).isTrue();
  }

  @Test
  void validResultsArriveOverBothChannelsAndBadOnesAreDroppedWithoutHarm() throws Exception {
    try (ResultSender sender = new ResultSender(settings, Duration.ofSeconds(5));
        StompResultPublisher raw = new StompResultPublisher(settings.brokers(), Duration.ofSeconds(5))) {
      assertThat(sender.send(result(1, 1, 10), "demo.F#f", "kryo")).isEqualTo(Delivery.STOMP);
      ResultMessage good = signed(result(2, 1, 10), settings.key(), settings.route());
      assertThat(raw.publish(good)).isTrue();
      assertThat(raw.publish(good)).as("a duplicate is delivered; the collector ignores it").isTrue();
      // forged: right route, another key
      assertThat(raw.publish(signed(result(3, 1, 10), SigningKey.generate(), settings.route()))).isTrue();
      // malformed JSON with the right selector header
      assertThat(raw.publish(new ResultMessage(Map.of("internal_id", settings.route().internalId()),
          "{not json".getBytes(StandardCharsets.UTF_8)))).isTrue();
      // header says our route, body says another
      ResultMessage wrongBody = signed(result(4, 1, 10), settings.key(), Route.random(0, 0));
      Map<String, String> headers = new java.util.HashMap<>(wrongBody.headers());
      headers.put("internal_id", settings.route().internalId());
      assertThat(raw.publish(new ResultMessage(headers, wrongBody.body()))).isTrue();
      // oversized
      assertThat(raw.publish(signed(result(5, 1, MAX), settings.key(), settings.route()))).isTrue();
      // another route entirely: the broker's selector keeps it away
      assertThat(raw.publish(signed(result(6, 1, 10), settings.key(), Route.random(0, 0)))).isTrue();
      // over the relay
      new RelayClient(settings.relayUrl()).publish(settings.route(), signed(result(7, 1, 10), settings.key(), settings.route()));

      await(() -> received.size() >= 4 && receiver.rejected() >= 4);
      Thread.sleep(300);
      assertThat(received).extracting(ResultEnvelope::callId).containsExactlyInAnyOrder(1L, 2L, 2L, 7L);
      assertThat(receiver.rejected()).isEqualTo(4);
    }
  }

  @Test
  void anEmptyBodyOnTheRunsRouteIsRejectedAndTheReceiverKeepsWorking() throws Exception {
    try (StompResultPublisher raw = new StompResultPublisher(settings.brokers(), Duration.ofSeconds(5))) {
      assertThat(raw.publish(new ResultMessage(Map.of("internal_id", settings.route().internalId()), new byte[0])))
          .isTrue();
      await(() -> receiver.rejected() == 1);
      assertThat(raw.publish(signed(result(21, 1, 10), settings.key(), settings.route()))).isTrue();
      await(() -> received.size() == 1);
      assertThat(received.get(0).callId()).isEqualTo(21);
    }
  }

  @Test
  void sendAllBatchesResultsWithinTheSizeLimitAndEachIsCheckedOnItsOwn() throws Exception {
    try (ResultSender sender = new ResultSender(settings, Duration.ofSeconds(5));
        StompResultPublisher raw = new StompResultPublisher(settings.brokers(), Duration.ofSeconds(5))) {
      // 100 small results and 3 of 30 KB: more than one batch by count and by size (64 KB limit)
      List<ResultSender.Outgoing> outgoing = new java.util.ArrayList<>();
      for (int i = 1; i <= 103; i++) {
        outgoing.add(new ResultSender.Outgoing(result(i, 1, i <= 100 ? 10 : 30_000), "demo.F#f", "kryo"));
      }
      assertThat(sender.sendAll(outgoing)).hasSize(103).containsOnly(Delivery.STOMP);
      await(() -> received.size() == 103);
      assertThat(received).extracting(ResultEnvelope::callId).doesNotHaveDuplicates();
      assertThat(receiver.rejected()).isZero();

      // a batch holding one forged result: the forged one is dropped, its neighbours are taken
      ResultMessage batch = ResultMessages.batch(List.of(
          signed(result(201, 1, 10), settings.key(), settings.route()),
          signed(result(202, 1, 10), SigningKey.generate(), settings.route()),
          signed(result(203, 1, 10), settings.key(), settings.route())));
      assertThat(batch.headers()).containsEntry("batch", "3");
      assertThat(raw.publish(batch)).isTrue();
      await(() -> received.size() == 105 && receiver.rejected() == 1);
      assertThat(received).extracting(ResultEnvelope::callId).contains(201L, 203L).doesNotContain(202L);

      // a batch is not a single result
      assertThatThrownBy(() -> ResultMessages.decode(batch.body(), settings.route(), "run-1", settings.key()))
          .isInstanceOf(RejectedMessageException.class).hasMessageContaining("batch of 3");
    }
  }

  @Test
  void aBatchThatNoBrokerConfirmsGoesToTheRelayWhole() throws Exception {
    broker.stop();
    try (ResultSender sender = new ResultSender(settings, Duration.ofSeconds(2))) {
      List<ResultSender.Outgoing> outgoing = new java.util.ArrayList<>();
      for (int i = 1; i <= 10; i++) {
        outgoing.add(new ResultSender.Outgoing(result(300 + i, 1, 10), "demo.F#f", "kryo"));
      }
      assertThat(sender.sendAll(outgoing)).containsOnly(Delivery.RELAY);
      await(() -> received.size() == 10);
      assertThat(received).extracting(ResultEnvelope::callId).doesNotHaveDuplicates();
    }
  }

  @Test
  void oversizedResultsBecomeAFailureThatSaysWhatToDo() throws Exception {
    try (ResultSender sender = new ResultSender(settings, Duration.ofSeconds(5))) {
      assertThat(sender.send(result(9, 1, MAX), "demo.F#f", "kryo")).isEqualTo(Delivery.STOMP);
      await(() -> received.size() == 1);
      ResultEnvelope r = received.get(0);
      assertThat(r.succeeded()).isFalse();
      assertThat(r.error().kind()).isEqualTo(org.taskwire.FailureKind.RESULT_TOO_LARGE);
      assertThat(r.error().message()).contains("above taskwire.result.max-bytes", "return their location");
    }
  }

  @Test
  void withTheBrokerDownResultsComeThroughTheRelay() throws Exception {
    broker.stop();
    try (ResultSender sender = new ResultSender(settings, Duration.ofSeconds(2))) {
      long sent = System.nanoTime();
      assertThat(sender.send(result(11, 1, 10), "demo.F#f", "kryo")).isEqualTo(Delivery.RELAY);
      await(() -> received.size() == 1);
      assertThat(received.get(0).callId()).isEqualTo(11);
      assertThat(Duration.ofNanos(System.nanoTime() - sent)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void withNoChannelTheSenderSaysSo() throws Exception {
    broker.stop();
    relay.close();
    try (ResultSender sender = new ResultSender(settings, Duration.ofSeconds(1))) {
      assertThat(sender.send(result(12, 1, 10), "demo.F#f", "kryo")).isEqualTo(Delivery.NONE);
    }
  }
}
