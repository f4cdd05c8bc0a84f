package org.taskwire.transport.stomp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.messaging.simp.stomp.ReactorNettyTcpStompClient;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandlerAdapter;
import org.taskwire.transport.ResultMessage;

/**
 * Publishes result messages with a receipt: {@link #publish} returns true only when a broker has
 * confirmed the message, so the caller knows when to fall back to the relay. Connects lazily to
 * one broker, starting at a random one, and moves to the next when one fails.
 */
public final class StompResultPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StompResultPublisher.class);

  private final BrokerSettings settings;
  private final Duration timeout;
  private int current;
  private ReactorNettyTcpStompClient client;
  private StompSession session;

  public StompResultPublisher(BrokerSettings settings, Duration timeout) {
    this.settings = settings;
    this.timeout = timeout;
    this.current = ThreadLocalRandom.current().nextInt(settings.addresses().size());
  }

  /** Sends the message and waits for the broker's receipt; false if no broker confirmed it. */
  public synchronized boolean publish(ResultMessage message) {
    return publishAll(List.of(message))[0];
  }

  /**
   * Sends the messages back to back and then waits for their receipts, so a batch costs about one
   * round trip instead of one per message. A message whose receipt does not come is sent again to
   * the next broker with the others still unconfirmed; a broker that confirms twice only delivers a
   * duplicate, which the collector ignores.
   *
   * @return for each message, whether a broker confirmed it
   */
  public synchronized boolean[] publishAll(List<ResultMessage> messages) {
    boolean[] confirmed = new boolean[messages.size()];
    List<BrokerAddress> addresses = settings.addresses();
    for (int tried = 0; tried < addresses.size(); tried++) {
      BrokerAddress address = addresses.get(current);
      try {
        ensureConnected(address);
        List<CompletableFuture<Boolean>> receipts = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
          receipts.add(confirmed[i] ? CompletableFuture.completedFuture(true) : send(messages.get(i)));
        }
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        boolean all = true;
        for (int i = 0; i < messages.size(); i++) {
          long left = Math.max(0, deadline - System.nanoTime());
          try {
            confirmed[i] = receipts.get(i).get(left, TimeUnit.NANOSECONDS);
          } catch (TimeoutException e) {
            confirmed[i] = false;
          }
          all &= confirmed[i];
        }
        if (all) {
          return confirmed;
        }
        LOG.warn("no receipt from {} within {} for some of {} result(s)", address, timeout, messages.size());
      } catch (Exception e) {
        LOG.warn("cannot publish to {}: {}", address, e.getMessage());
      }
      disconnect();
      current = (current + 1) % addresses.size();
    }
    return confirmed;
  }

  /**
   * Starts connecting to the first broker now, on another thread, so that a job's first publish
   * finds the session open: a fresh JVM spends a few hundred milliseconds loading the STOMP
   * client, which can overlap with running the call. A failure here is only logged; publish
   * tries again.
   */
  public void connectInBackground() {
    Thread t = new Thread(() -> {
      synchronized (this) {
        try {
          ensureConnected(settings.addresses().get(current));
        } catch (Exception e) {
          LOG.debug("early connect to {} failed: {}", settings.addresses().get(current), e.getMessage());
          disconnect();
        }
      }
    }, "taskwire-stomp-connect");
    t.setDaemon(true);
    t.start();
  }

  private void ensureConnected(BrokerAddress address) throws Exception {
    if (session == null || !session.isConnected()) {
      disconnect();
      client = StompClients.client(address, timeout);
      session = StompClients.connect(client, settings, new StompSessionHandlerAdapter() {}, timeout);
    }
  }

  private CompletableFuture<Boolean> send(ResultMessage message) {
    StompHeaders headers = new StompHeaders();
    message.headers().forEach(headers::set);
    headers.setDestination(settings.destination());
    headers.setContentType(org.springframework.util.MimeTypeUtils.APPLICATION_JSON);
    headers.setReceipt("pub-" + UUID.randomUUID());
    CompletableFuture<Boolean> receipt = new CompletableFuture<>();
    StompSession.Receiptable r = session.send(headers, message.body());
    r.addReceiptTask(() -> receipt.complete(true));
    r.addReceiptLostTask(() -> receipt.complete(false));
    return receipt;
  }

  private void disconnect() {
    if (session != null) {
      try {
        if (session.isConnected()) {
          session.disconnect();
        }
      } catch (RuntimeException e) {
        // already gone
      }
      session = null;
    }
    if (client != null) {
      client.shutdown();
      client = null;
    }
  }

  @Override
  public synchronized void close() {
    disconnect();
  }
}
