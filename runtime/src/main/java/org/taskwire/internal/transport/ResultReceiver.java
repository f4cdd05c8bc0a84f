package org.taskwire.internal.transport;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.threads.DaemonThreads;
import org.taskwire.internal.transport.http.RelayClient;
import org.taskwire.internal.transport.message.RejectedMessageException;
import org.taskwire.internal.transport.message.ResultMessages;
import org.taskwire.internal.transport.stomp.StompResultSubscriber;

/**
 * The client's side of result delivery: a STOMP subscription (confirmed before anything is
 * submitted) and a long-poll on the relay, both feeding one checker that drops what is oversized,
 * malformed, for another route or run, or badly signed — logging why — and hands every valid
 * result to the sink. Duplicates are the sink's to ignore.
 */
public final class ResultReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResultReceiver.class);

  private final TransportSettings settings;
  private final String runId;
  private final Consumer<ResultEnvelope> sink;
  private final ExecutorService checker;
  private final RelayClient relay;
  private final Thread relayLoop;
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong accepted = new AtomicLong();
  private volatile int cursor;
  private volatile boolean closed;
  private StompResultSubscriber stomp;

  private ResultReceiver(TransportSettings settings, String runId, Consumer<ResultEnvelope> sink) {
    this.settings = settings;
    this.runId = runId;
    this.sink = sink;
    this.checker = Executors.newSingleThreadExecutor(DaemonThreads.factory("taskwire-results"));
    this.relay = settings.relayUrl() == null ? null : new RelayClient(settings.relayUrl());
    this.relayLoop = DaemonThreads.unstarted("taskwire-relay-poll", this::pollRelay);
  }

  /**
   * Subscribes (waiting for the brokers' receipts) and starts polling the relay.
   *
   * @throws Exception if a broker cannot be subscribed to
   */
  public static ResultReceiver open(TransportSettings settings, String runId, Consumer<ResultEnvelope> sink,
      Duration timeout) throws Exception {
    ResultReceiver r = new ResultReceiver(settings, runId, sink);
    if (settings.brokers() != null) {
      r.stomp = StompResultSubscriber.open(settings.brokers(), settings.route(), r::offer, r::resubscribed, timeout);
    }
    if (r.relay != null) {
      r.relayLoop.start();
    }
    return r;
  }

  /** Queues a message body for checking; called by transports, never blocks them. */
  void offer(byte[] body) {
    if (!closed) {
      checker.execute(() -> check(body));
    }
  }

  private void check(byte[] body) {
    if (body == null || body.length == 0) {
      reject("an empty message");
      return;
    }
    if (body.length > settings.maxBytes()) {
      reject("a message of " + body.length + " bytes, above the limit of " + settings.maxBytes());
      return;
    }
    List<JsonNode> results;
    try {
      results = ResultMessages.parse(body);
    } catch (RejectedMessageException e) {
      reject(e.getMessage());
      return;
    }
    // Each result of a batch stands alone: a bad one is dropped, the others are taken.
    for (JsonNode node : results) {
      ResultEnvelope result;
      try {
        result = ResultMessages.decode(node, settings.route(), runId, settings.key());
      } catch (RejectedMessageException e) {
        reject(e.getMessage());
        continue;
      }
      accepted.incrementAndGet();
      try {
        sink.accept(result);
      } catch (RuntimeException e) {
        LOG.error("the result of call {} could not be handled", result.callId(), e);
      }
    }
  }

  private void reject(String why) {
    rejected.incrementAndGet();
    LOG.warn("dropping a result message: {}", why);
  }

  private final java.util.List<Runnable> resubscribeListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

  /**
   * Called after a broker subscription came (back) up: what was published while it was down went
   * nowhere on a topic, so listeners (the local backend's arrival checks) can stop waiting for it.
   */
  public void onResubscribed(Runnable listener) {
    resubscribeListeners.add(listener);
  }

  private void resubscribed() {
    catchUp();
    resubscribeListeners.forEach(Runnable::run);
  }

  /** Reads whatever the relay holds that was not read yet, now. */
  public void catchUp() {
    if (relay == null || closed) {
      return;
    }
    try {
      drain(Duration.ZERO);
    } catch (IOException e) {
      LOG.warn("cannot catch up from the relay: {}", e.getMessage());
    }
  }

  private void drain(Duration wait) throws IOException {
    take(relay.poll(settings.route(), cursor, wait));
  }

  /** Offers a poll's bodies that no other poll has taken yet, and moves the cursor past them. */
  private synchronized void take(RelayClient.Poll poll) {
    if (poll.cursor() > cursor) {
      int skip = cursor - (poll.cursor() - poll.bodies().size());
      poll.bodies().stream().skip(Math.max(0, skip)).forEach(this::offer);
      cursor = poll.cursor();
    }
  }

  private void pollRelay() {
    while (!closed) {
      try {
        drain(Duration.ofSeconds(20));
      } catch (IOException e) {
        if (closed) {
          return;
        }
        LOG.debug("relay poll failed: {}", e.getMessage());
        try {
          Thread.sleep(500);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  /** Messages dropped so far. */
  public long rejected() {
    return rejected.get();
  }

  /** Valid results handed to the sink so far (duplicates included). */
  public long accepted() {
    return accepted.get();
  }

  @Override
  public void close() {
    closed = true;
    if (stomp != null) {
      stomp.close();
    }
    relayLoop.interrupt();
    checker.shutdown();
  }
}
