package org.taskwire.internal.transport.stomp;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 *
 * <p>It speaks STOMP on a plain socket ({@link StompLink}), not through the subscriber's reactive
 * client: a job that publishes one result then starts in a third of the time.
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
  private StompLink link;

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
      if (link == null && System.nanoTime() - retryAt[current] < 0) {
        continue; // known to be down; try it again later
      }
      boolean reused = link != null;
      try {
        try {
          publish(address, messages, confirmed);
        } catch (IOException e) {
          if (!reused) {
            throw e;
          }
          // A connection opened earlier may have been closed while idle: one fresh try before calling the broker down.
          LOG.debug("reconnecting to {} after {}: {}", address, link == null ? "" : link.age(), e.getMessage());
          disconnect();
          publish(address, messages, confirmed);
        }
        return confirmed;
      } catch (IOException | RuntimeException e) {
        markDown(current, address, e.getMessage());
        disconnect();
      }
    }
    return confirmed;
  }

  /**
   * Sends the messages not yet confirmed back to back on one connection, then reads receipts
   * until each has its own.
   *
   * @throws IOException if the connection fails, the broker answers with an ERROR frame, or a
   *     receipt does not come in time
   */
  private void publish(BrokerAddress address, List<ResultMessage> messages, boolean[] confirmed) throws IOException {
    if (link == null) {
      link = StompLink.open(address, settings, timeout);
      if (backoff[current] != 0) {
        notices.accept("publishing to " + address + " again");
      }
      backoff[current] = 0;
    }
    Map<String, Integer> owed = new HashMap<>();
    String prefix = "pub-" + UUID.randomUUID() + "-";
    for (int i = 0; i < messages.size(); i++) {
      if (!confirmed[i]) {
        String receipt = prefix + i;
        ResultMessage m = messages.get(i);
        link.send(settings.destination(), m.headers(), "application/json", m.body(), receipt);
        owed.put(receipt, i);
      }
    }
    link.flush();
    long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
    while (!owed.isEmpty()) {
      StompLink.Frame frame = link.read(deadline);
      if (frame.command().equals("ERROR")) {
        throw new IOException("the broker answered " + frame.describe());
      }
      Integer index = frame.command().equals("RECEIPT") ? owed.remove(frame.headers().get("receipt-id")) : null;
      if (index != null) {
        confirmed[index] = true;
      }
    }
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
   * finds the connection open while the call runs. A failure here is only logged; publish tries
   * again.
   */
  public void connectInBackground() {
    DaemonThreads.start("taskwire-stomp-connect", () -> {
      synchronized (this) {
        if (link != null) {
          return;
        }
        try {
          link = StompLink.open(settings.addresses().get(current), settings, timeout);
        } catch (IOException | RuntimeException e) {
          LOG.debug("early connect to {} failed: {}", settings.addresses().get(current), e.getMessage());
        }
      }
    });
  }

  private void disconnect() {
    if (link != null) {
      link.close();
      link = null;
    }
  }

  @Override
  public synchronized void close() {
    disconnect();
  }
}
