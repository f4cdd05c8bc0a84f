package org.taskwire.internal.transport;

import org.taskwire.internal.transport.message.ResultMessage;
import org.taskwire.internal.transport.message.ResultMessages;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.transport.http.RelayClient;
import org.taskwire.internal.transport.stomp.StompResultPublisher;

/**
 * The worker's side of result delivery: sign the result, publish it over STOMP with a receipt,
 * and fall back to the HTTP relay when no broker confirms it. A result over the size limit is
 * replaced by a failure that says what to do.
 */
public final class ResultSender implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResultSender.class);

  /** The most results in one message. */
  public static final int MAX_BATCH = 64;

  private final TransportSettings settings;
  private final StompResultPublisher stomp;
  private final RelayClient relay;

  private final java.util.function.Consumer<String> notices;

  public ResultSender(TransportSettings settings, Duration receiptTimeout) {
    this(settings, receiptTimeout, LOG::warn);
  }

  /** A sender that tells {@code notices} when a channel fails or comes back (a worker prints them to its log). */
  public ResultSender(TransportSettings settings, Duration receiptTimeout, java.util.function.Consumer<String> notices) {
    this.settings = settings;
    this.notices = notices;
    this.stomp = settings.brokers() == null ? null
        : new StompResultPublisher(settings.brokers(), receiptTimeout, notices);
    this.relay = settings.relayUrl() == null ? null : new RelayClient(settings.relayUrl());
  }

  /** Opens the broker connection in the background now; for one-shot jobs, whose first send then waits less. */
  public void connectEarly() {
    if (stomp != null) {
      stomp.connectInBackground();
    }
  }

  /** Sends a result; says which channel took it. */
  public Delivery send(ResultEnvelope result, String workId, String codec) {
    return sendAll(List.of(new Outgoing(result, workId, codec))).get(0);
  }

  /** A result to send, with the work and codec its message names. */
  public record Outgoing(ResultEnvelope result, String workId, String codec) {}

  /**
   * Sends several results in as few messages as the size limit allows (batches of up to
   * {@value #MAX_BATCH}, each result signed on its own), with the broker receipts of all of them
   * awaited together; a batch no broker confirms goes to the relay.
   *
   * @return for each result, the channel that took it, or {@link Delivery#NONE}
   */
  public List<Delivery> sendAll(List<Outgoing> results) {
    // Consecutive results form each batch, so the deliveries come out in the results' order.
    List<List<ResultMessage>> parts = new ArrayList<>();
    List<ResultMessage> current = null;
    long currentBytes = 0;
    for (Outgoing o : results) {
      ResultMessage m = message(o);
      int size = m.body().length + 1; // its bytes and a separator
      if (current == null || current.size() == MAX_BATCH || currentBytes + size > settings.maxBytes()) {
        current = new ArrayList<>();
        parts.add(current);
        currentBytes = 2; // the batch's brackets
      }
      current.add(m);
      currentBytes += size;
    }
    List<ResultMessage> batches = parts.stream().map(ResultMessages::batch).toList();
    boolean[] confirmed = stomp != null ? stomp.publishAll(batches) : new boolean[batches.size()];
    List<Delivery> deliveries = new ArrayList<>(results.size());
    for (int b = 0; b < parts.size(); b++) {
      Delivery d = confirmed[b] ? Delivery.STOMP : toRelay(parts.get(b));
      deliveries.addAll(java.util.Collections.nCopies(parts.get(b).size(), d));
    }
    return deliveries;
  }

  private ResultMessage message(Outgoing o) {
    ResultEnvelope result = o.result();
    ResultMessages.Context context = new ResultMessages.Context(settings.route(), o.workId(), o.codec());
    ResultMessage message = ResultMessages.encode(result, context, settings.key());
    if (message.body().length > settings.maxBytes()) {
      message = ResultMessages.encode(result.tooLarge(o.workId(), message.body().length, settings.maxBytes()), context,
          settings.key());
    }
    return message;
  }

  /** The relay's iDDS envelope is a list: a batch goes as one request of one item per result. */
  private Delivery toRelay(List<ResultMessage> messages) {
    if (relay != null) {
      try {
        relay.publishAll(settings.route(), messages);
        return Delivery.RELAY;
      } catch (IOException e) {
        notices.accept("the relay did not take " + messages.size() + " result(s): " + e.getMessage());
      }
    }
    return Delivery.NONE;
  }

  @Override
  public void close() {
    if (stomp != null) {
      stomp.close();
    }
  }
}
