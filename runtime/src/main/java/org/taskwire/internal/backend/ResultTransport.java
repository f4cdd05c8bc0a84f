package org.taskwire.internal.backend;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.ConfigurationException;
import org.taskwire.internal.config.ConfigKey;
import org.taskwire.internal.config.TaskwireConfig;
import org.taskwire.internal.transport.ResultReceiver;
import org.taskwire.internal.transport.TransportSettings;
import org.taskwire.internal.transport.http.ResultRelay;
import org.taskwire.internal.transport.stomp.BrokerAddress;
import org.taskwire.internal.transport.stomp.BrokerSettings;
import org.taskwire.internal.transport.stomp.EmbeddedBroker;

/**
 * A run's result channels, shared by the backends whose workers send results back: an embedded broker unless {@code taskwire.broker.url} names
 * brokers, a relay in this JVM unless {@code taskwire.relay.url} names one, a fresh route and
 * signing key for the run, and the receiver, subscribed before any worker starts.
 */
public final class ResultTransport implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResultTransport.class);
  private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(10);
  /** Room for headers and framing above the result limit. */
  private static final int FRAME_SLACK = 64 * 1024;

  private final EmbeddedBroker broker;
  private final ResultRelay relay;
  private final TransportSettings settings;
  private final ResultReceiver receiver;

  private ResultTransport(EmbeddedBroker broker, ResultRelay relay, TransportSettings settings, ResultReceiver receiver) {
    this.broker = broker;
    this.relay = relay;
    this.settings = settings;
    this.receiver = receiver;
  }

  /** Starts the channels; results go to the run's sink. */
  public static ResultTransport start(BackendContext context) {
    return start(context, result -> context.sink().report(CallEvent.of(result)));
  }

  /** Starts the channels; results go to {@code results}, which may filter them before the sink. */
  public static ResultTransport start(BackendContext context, java.util.function.Consumer<org.taskwire.internal.call.ResultEnvelope> results) {
    TaskwireConfig config = context.config();
    int maxBytes = config.get(ConfigKey.RESULT_MAX_BYTES);
    String destination = config.get(ConfigKey.BROKER_DESTINATION);
    String user = config.value(ConfigKey.BROKER_USER.name()).map(TaskwireConfig.Value::value).orElse(null);
    String password = config.get(ConfigKey.BROKER_PASSWORD);
    EmbeddedBroker broker = null;
    ResultRelay relay = null;
    try {
      BrokerSettings brokers;
      String url = config.get(ConfigKey.BROKER_URL);
      if (url.isBlank()) {
        broker = EmbeddedBroker.start(maxBytes + FRAME_SLACK);
        brokers = new BrokerSettings(java.util.List.of(broker.address()), null, null, destination);
      } else {
        try {
          brokers = new BrokerSettings(BrokerAddress.parseList(url), user, password, destination);
        } catch (IllegalArgumentException e) {
          throw new ConfigurationException(ConfigKey.BROKER_URL.name() + ": " + e.getMessage(), e);
        }
      }
      String relayUrl = config.get(ConfigKey.RELAY_URL);
      if (relayUrl.isBlank()) {
        relay = ResultRelay.start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), maxBytes + FRAME_SLACK);
        relayUrl = relay.url().toString();
      }
      TransportSettings settings =
          new TransportSettings(brokers, relayUrl, context.identity().route(), context.identity().key(), maxBytes);
      if (relay != null) {
        relay.openRoute(settings.route().internalId(),
            org.taskwire.internal.transport.message.ResultMessages.signedFor(settings.route(), context.runId(), settings.key()));
      }
      ResultReceiver receiver;
      try {
        receiver = ResultReceiver.open(settings, context.runId(), results, SUBSCRIBE_TIMEOUT);
      } catch (Exception e) {
        throw new ConfigurationException("cannot subscribe to results on " + brokers.addresses() + ": "
            + e.getMessage() + (url.isBlank() ? "" : "; check " + ConfigKey.BROKER_URL.name() + " and the broker"), e);
      }
      LOG.debug("results over {} with relay {}", brokers.addresses(), relayUrl);
      return new ResultTransport(broker, relay, settings, receiver);
    } catch (IOException | RuntimeException e) {
      if (relay != null) relay.close();
      if (broker != null) broker.close();
      if (e instanceof ConfigurationException) {
        throw (ConfigurationException) e;
      }
      throw new ConfigurationException("cannot start the result transport: " + e.getMessage(), e);
    }
  }

  /** The variables that tell a worker where and how to send results. */
  public Map<String, String> workerEnvironment() {
    return settings.toEnvironment();
  }

  /** The settings workers send with. */
  public TransportSettings settings() {
    return settings;
  }

  /** Tells {@code listener} each time a broker subscription comes (back) up. */
  public void onResubscribed(Runnable listener) {
    receiver.onResubscribed(listener);
  }

  /** Reads what the relay holds, in case a message was lost between broker and subscriber. */
  public void catchUp() {
    receiver.catchUp();
  }

  @Override
  public void close() {
    receiver.close();
    if (relay != null) {
      relay.close();
    }
    if (broker != null) {
      broker.close();
    }
  }
}
