package org.taskwire.transport;

import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.FailureKind;
import org.taskwire.call.RemoteError;
import org.taskwire.call.ResultEnvelope;
import org.taskwire.transport.http.RelayClient;
import org.taskwire.transport.stomp.StompResultPublisher;

/**
 * The worker's side of result delivery: sign the result, publish it over STOMP with a receipt,
 * and fall back to the HTTP relay when no broker confirms it. A result over the size limit is
 * replaced by a failure that says what to do.
 */
public final class ResultSender implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ResultSender.class);

  private final TransportSettings settings;
  private final StompResultPublisher stomp;
  private final RelayClient relay;

  public ResultSender(TransportSettings settings, Duration receiptTimeout) {
    this.settings = settings;
    this.stomp = settings.brokers() == null ? null : new StompResultPublisher(settings.brokers(), receiptTimeout);
    this.relay = settings.relayUrl() == null ? null : new RelayClient(settings.relayUrl());
  }

  /** Sends a result; says which channel took it. */
  public Delivery send(ResultEnvelope result, String workId, String codec) {
    ResultMessages.Context context = new ResultMessages.Context(settings.route(), workId, codec);
    ResultMessage message = ResultMessages.encode(result, context, settings.key());
    if (message.body().length > settings.maxBytes()) {
      RemoteError tooLarge = RemoteError.of(FailureKind.RESULT_TOO_LARGE, String.format(
          "the result of %s is %.1f MB, above taskwire.result.max-bytes (%.1f MB): return a smaller value (write "
              + "large outputs to files or storage and return their location), or raise the limit",
          workId, message.body().length / 1e6, settings.maxBytes() / 1e6));
      message = ResultMessages.encode(new ResultEnvelope(result.runId(), result.callId(), result.attempt(), null,
          tooLarge, result.startedAt(), result.finishedAt()), context, settings.key());
    }
    if (stomp != null && stomp.publish(message)) {
      return Delivery.STOMP;
    }
    if (relay != null) {
      try {
        relay.publish(settings.route(), message);
        return Delivery.RELAY;
      } catch (IOException e) {
        LOG.warn("the relay did not take the result of call {}: {}", result.callId(), e.getMessage());
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
