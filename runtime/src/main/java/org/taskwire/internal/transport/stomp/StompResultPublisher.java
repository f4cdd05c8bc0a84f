package org.taskwire.internal.transport.stomp;

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
import org.taskwire.internal.threads.DaemonThreads;
import org.taskwire.internal.transport.message.ResultMessage;

/**
 * Publishes result messages with a receipt: {@link #publish} returns true only when a broker has
 * confirmed the message, so the caller knows when to fall back to the relay. Connects lazily to
 * one broker, starting at a random one, and moves to the next when one fails.
 *
 * <p>A broker that cannot be reached is left alone for a while (from half a second, doubling up
 * to {@value #MAX_BACKOFF_MILLIS} ms), so that while every broker is down each result goes
 * straight to the relay instead of paying for a failed connection first; it is warned about once
 * per outage, not per result. A connection that drops fails its unconfirmed messages at once
 * rather than after the receipt timeout.
 */
public final class StompResultPublisher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StompResultPublisher.class);

  static final long MAX_BACKOFF_MILLIS = 5_000;
  private static final long FIRST_BACKOFF_MILLIS = 500;

  private final BrokerSettings settings;
  private final Duration timeout;
  private final long[] retryAt;
  private final long[] backoff;
  private int current;
  /**
   * One client per broker for the publisher's life: shutting a Reactor client down waits out its
   * event loops' quiet period (seconds), so a reconnect must reuse it, not replace it.
   */
  private final ReactorNettyTcpStompClient[] clients;
  private StompSession session;
  /** Receipts the current session still owes; failed at once if its connection drops. */
  private final java.util.Set<CompletableFuture<Boolean>> owed = java.util.concurrent.ConcurrentHashMap.newKeySet();

  private final java.util.function.Consumer<String> notices;

  public StompResultPublisher(BrokerSettings settings, Duration timeout) {
    this(settings, timeout, LOG::warn);
  }

  /**
   * A publisher that tells {@code notices} when results start and stop going to the relay; a
   * worker prints them to its log, whatever logging binding its class path has (or lacks).
   */
  public StompResultPublisher(BrokerSettings settings, Duration timeout, java.util.function.Consumer<String> notices) {
    this.notices = notices;
    this.settings = settings;
    this.timeout = timeout;
    this.current = ThreadLocalRandom.current().nextInt(settings.addresses().size());
    this.retryAt = new long[settings.addresses().size()];
    this.backoff = new long[settings.addresses().size()];
    this.clients = new ReactorNettyTcpStompClient[settings.addresses().size()];
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
    for (int tried = 0; tried < addresses.size(); tried++, current = (current + 1) % addresses.size()) {
      BrokerAddress address = addresses.get(current);
      if (session == null && System.nanoTime() - retryAt[current] < 0) {
        continue; // known to be down; try it again later
      }
      try {
        ensureConnected(address);
      } catch (Exception e) {
        markDown(current, address, e.getMessage());
        disconnect();
        continue;
      }
      try {
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
        markDown(current, address, "no receipt for some of " + messages.size() + " result(s)");
      } catch (Exception e) {
        markDown(current, address, e.getMessage());
      }
      disconnect();
    }
    return confirmed;
  }

  private void markDown(int index, BrokerAddress address, String why) {
    if (backoff[index] == 0) {
      notices.accept("cannot publish to " + address + " (" + why + "); results go to the relay until it answers again");
    } else {
      LOG.debug("{} still down: {}", address, why);
    }
    backoff[index] = backoff[index] == 0 ? FIRST_BACKOFF_MILLIS : Math.min(MAX_BACKOFF_MILLIS, backoff[index] * 2);
    retryAt[index] = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoff[index]);
  }

  /**
   * Starts connecting to the first broker now, on another thread, so that a job's first publish
   * finds the session open: a fresh JVM spends a few hundred milliseconds loading the STOMP
   * client, which can overlap with running the call. A failure here is only logged; publish
   * tries again.
   */
  public void connectInBackground() {
    DaemonThreads.start("taskwire-stomp-connect", () -> {
      synchronized (this) {
        try {
          ensureConnected(settings.addresses().get(current));
        } catch (Exception e) {
          LOG.debug("early connect to {} failed: {}", settings.addresses().get(current), e.getMessage());
          disconnect();
        }
      }
    });
  }

  private void ensureConnected(BrokerAddress address) throws Exception {
    if (session == null || !session.isConnected()) {
      disconnect();
      if (clients[current] == null) {
        clients[current] = StompClients.client(address, timeout);
      }
      session = StompClients.connect(clients[current], settings, new StompSessionHandlerAdapter() {
        @Override
        public void handleTransportError(StompSession s, Throwable exception) {
          // The receipts will never come: let the caller fall back now, not after the timeout.
          failOwed();
        }
      }, timeout);
      if (backoff[current] != 0) {
        notices.accept("publishing to " + address + " again");
      }
      backoff[current] = 0;
    }
  }

  private void failOwed() {
    for (CompletableFuture<Boolean> f : owed) {
      f.complete(false);
    }
    owed.clear();
  }

  private CompletableFuture<Boolean> send(ResultMessage message) {
    StompHeaders headers = new StompHeaders();
    message.headers().forEach(headers::set);
    headers.setDestination(settings.destination());
    headers.setContentType(org.springframework.util.MimeTypeUtils.APPLICATION_JSON);
    headers.setReceipt("pub-" + UUID.randomUUID());
    CompletableFuture<Boolean> receipt = new CompletableFuture<>();
    owed.add(receipt);
    receipt.whenComplete((ok, e) -> owed.remove(receipt));
    StompSession.Receiptable r = session.send(headers, message.body());
    r.addReceiptTask(() -> receipt.complete(true));
    r.addReceiptLostTask(() -> receipt.complete(false));
    return receipt;
  }

  private void disconnect() {
    failOwed();
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
  }

  @Override
  public void close() {
    // Closing schedules on Reactor's timers, whose threads would otherwise join the caller's group.
    DaemonThreads.runInGroup("taskwire-stomp-close", this::closeClients);
  }

  private synchronized void closeClients() {
    disconnect();
    for (int i = 0; i < clients.length; i++) {
      if (clients[i] != null) {
        clients[i].shutdown();
        clients[i] = null;
      }
    }
  }
}
