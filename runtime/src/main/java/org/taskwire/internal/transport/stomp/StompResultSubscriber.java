package org.taskwire.internal.transport.stomp;

import java.lang.reflect.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.simp.stomp.ReactorNettyTcpStompClient;
import org.springframework.messaging.simp.stomp.StompCommand;
import org.springframework.messaging.simp.stomp.StompFrameHandler;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.taskwire.internal.threads.DaemonThreads;
import org.taskwire.internal.transport.message.Route;

/**
 * Subscribes to a run's results on every configured broker (a message lands on one of them), with
 * a JMS selector on {@code internal_id} so the broker filters. {@link #open} returns only once
 * every broker has confirmed its subscription with a receipt, so nothing published after it can be
 * missed. A lost connection is re-established with back-off and the subscription renewed; since a
 * topic keeps nothing for absent subscribers, {@code onResubscribed} then lets the caller catch up
 * from the relay.
 */
public final class StompResultSubscriber implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StompResultSubscriber.class);
  /** Reconnects are tried at least this often, so a broker back from an outage is used within a second. */
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

  private final BrokerSettings settings;
  private final Route route;
  private final Consumer<byte[]> onMessage;
  private final Runnable onResubscribed;
  private final Duration timeout;
  private final List<Connection> connections = new ArrayList<>();
  private volatile boolean closed;

  private StompResultSubscriber(BrokerSettings settings, Route route, Consumer<byte[]> onMessage,
      Runnable onResubscribed, Duration timeout) {
    this.settings = settings;
    this.route = route;
    this.onMessage = onMessage;
    this.onResubscribed = onResubscribed;
    this.timeout = timeout;
  }

  /**
   * Subscribes on every broker that answers, waiting for their receipts. A broker that does not
   * answer is warned about and retried in the background; results meanwhile come through the
   * relay, so no broker at all is not a reason to fail a run.
   *
   * @param onMessage receives each message body; called on Reactor threads, so it must be quick
   * @param onResubscribed called after a subscription has been (re)established in the background
   */
  public static StompResultSubscriber open(BrokerSettings settings, Route route, Consumer<byte[]> onMessage,
      Runnable onResubscribed, Duration timeout) {
    StompResultSubscriber s = new StompResultSubscriber(settings, route, onMessage, onResubscribed, timeout);
    List<Connection> pending = new ArrayList<>();
    List<Thread> attempts = new ArrayList<>();
    // Every broker at once: a dead one must not delay the start by its timeout per broker.
    for (BrokerAddress address : settings.addresses()) {
      Connection c = s.new Connection(address);
      s.connections.add(c);
      attempts.add(DaemonThreads.start("taskwire-stomp-subscribe", () -> {
        try {
          c.connectAndSubscribe();
        } catch (Exception e) {
          LOG.warn("result broker {} does not answer ({}); results come through the relay until it does, and it is "
              + "retried in the background", address, e.getMessage());
          synchronized (pending) {
            pending.add(c);
          }
        }
      }));
    }
    for (Thread t : attempts) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    synchronized (pending) {
      pending.forEach(Connection::reconnect);
    }
    return s;
  }

  /** How many brokers the subscription is up on now. */
  public long connectedCount() {
    return connections.stream().filter(Connection::connected).count();
  }

  /** Whether every broker connection is up. */
  public boolean connected() {
    return connections.stream().allMatch(Connection::connected);
  }

  @Override
  public void close() {
    closed = true;
    // Closing schedules on Reactor's timers, whose threads would otherwise join the caller's group.
    DaemonThreads.runInGroup("taskwire-stomp-close", () -> {
      for (Connection c : connections) {
        c.close();
      }
    });
  }

  /** The subscription on one broker. */
  private final class Connection extends StompSessionHandlerAdapter {
    private final BrokerAddress address;
    private final ReactorNettyTcpStompClient client;
    private volatile StompSession session;
    private volatile boolean reconnecting;

    Connection(BrokerAddress address) {
      this.address = address;
      this.client = StompClients.client(address, timeout);
    }

    boolean connected() {
      StompSession s = session;
      return s != null && s.isConnected();
    }

    void connectAndSubscribe() throws Exception {
      StompSession s = StompClients.connect(client, settings, this, timeout);
      // A fresh headers object per subscription: Spring writes the subscription id into it.
      StompHeaders headers = new StompHeaders();
      headers.setDestination(settings.destination());
      headers.set("selector", route.selector());
      headers.setId("taskwire-" + route.internalId() + "-" + UUID.randomUUID());
      headers.setReceipt("sub-" + UUID.randomUUID());
      CompletableFuture<Void> receipt = new CompletableFuture<>();
      StompSession.Subscription subscription = s.subscribe(headers, new StompFrameHandler() {
        @Override
        public Type getPayloadType(StompHeaders h) {
          return byte[].class;
        }

        @Override
        public void handleFrame(StompHeaders h, Object payload) {
          // Spring hands an empty body over as null; it is still a message, to be rejected as one.
          onMessage.accept(payload == null ? new byte[0] : (byte[]) payload);
        }
      });
      subscription.addReceiptTask(() -> receipt.complete(null));
      subscription.addReceiptLostTask(() -> receipt.completeExceptionally(
          new IllegalStateException("no receipt for the subscription within " + timeout)));
      try {
        receipt.get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        s.disconnect();
        throw new IllegalStateException("broker " + address + " did not confirm the subscription: " + e.getMessage(), e);
      }
      session = s;
    }

    @Override
    public void handleTransportError(StompSession s, Throwable exception) {
      if (closed || s != session) {
        return;
      }
      LOG.warn("lost the result subscription on {} ({}); reconnecting", address, exception.getMessage());
      reconnect();
    }

    @Override
    public void handleException(StompSession s, StompCommand command, StompHeaders headers, byte[] payload,
        Throwable exception) {
      LOG.warn("dropping a frame from {} that could not be handled: {}", address, exception.getMessage());
    }

    private synchronized void reconnect() {
      if (reconnecting || closed) {
        return;
      }
      reconnecting = true;
      DaemonThreads.start("taskwire-stomp-reconnect", () -> {
        long backoff = 100;
        try {
          while (!closed) {
            try {
              connectAndSubscribe();
              LOG.info("result subscription on {} is up", address);
              onResubscribed.run();
              return;
            } catch (Exception e) {
              LOG.debug("reconnect to {} failed: {}", address, e.getMessage());
              Thread.sleep(backoff);
              backoff = Math.min(backoff * 2, MAX_BACKOFF.toMillis());
            }
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          reconnecting = false;
        }
      });
    }

    void close() {
      StompSession s = session;
      session = null;
      if (s != null && s.isConnected()) {
        try {
          s.disconnect();
        } catch (RuntimeException e) {
          // already gone
        }
      }
      client.shutdown();
    }
  }
}
