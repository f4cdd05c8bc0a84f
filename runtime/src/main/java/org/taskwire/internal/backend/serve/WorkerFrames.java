package org.taskwire.internal.backend.serve;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.transport.message.SigningKey;

/**
 * The client's end of a serving worker's frame streams: calls out, answers in. Notices the worker
 * sends between answers (a call started, a heartbeat, a request to drain) are taken as they come.
 */
public final class WorkerFrames {
  private final DataOutputStream toWorker;
  private final DataInputStream fromWorker;
  private final SigningKey key;
  private volatile long lastStarted = -1;
  private volatile boolean draining;

  /** @param key the run's key, which signs every result the worker sends */
  public WorkerFrames(InputStream fromWorker, OutputStream toWorker, SigningKey key) {
    this.toWorker = new DataOutputStream(new BufferedOutputStream(toWorker));
    this.fromWorker = new DataInputStream(new BufferedInputStream(fromWorker));
    this.key = key;
  }

  /** Reads the next frame that is not a notice; null at the end of the stream. */
  public WireFormat.Frame next(java.util.function.LongConsumer onStarted) throws IOException {
    while (true) {
      WireFormat.Frame frame = WireFormat.read(fromWorker);
      if (frame == null) {
        return null;
      }
      switch (frame.tag()) {
        case WireFormat.STARTED -> {
          lastStarted = WireFormat.decode(frame, WireFormat.Started.class).callId();
          onStarted.accept(lastStarted);
        }
        case WireFormat.HEARTBEAT -> { }
        case WireFormat.DRAIN -> draining = true;
        default -> {
          return frame;
        }
      }
    }
  }

  /** Waits for the worker's ready frame. */
  public WireFormat.Ready awaitReady() throws IOException {
    return await(WireFormat.READY, WireFormat.Ready.class);
  }

  /** Waits for a pilot's answer to the challenge. */
  public WireFormat.PilotHello awaitHello() throws IOException {
    return await(WireFormat.HELLO, WireFormat.PilotHello.class);
  }

  /** Challenges a pilot that connected to prove it holds the run's key. */
  public void sendChallenge(WireFormat.Challenge challenge) throws IOException {
    WireFormat.write(toWorker, WireFormat.CHALLENGE, challenge);
  }

  private <T> T await(byte tag, Class<T> type) throws IOException {
    WireFormat.Frame frame = next(id -> { });
    if (frame == null) {
      throw new IOException("the worker exited before it was ready");
    }
    if (frame.tag() != tag) {
      throw new IOException("the worker sent frame '" + (char) frame.tag() + "' instead of '" + (char) tag + "'");
    }
    return WireFormat.decode(frame, type);
  }

  public void send(List<CallEnvelope> calls) throws IOException {
    WireFormat.writeCalls(toWorker, calls);
  }

  /** Reads the worker's next result, signed with the run's key. */
  public ResultEnvelope receive(java.util.function.LongConsumer onStarted) throws IOException {
    WireFormat.Frame frame = next(onStarted);
    if (frame == null) {
      throw new IOException("the worker closed its output");
    }
    if (frame.tag() == WireFormat.RESULT) {
      return WireFormat.readResult(frame, key);
    }
    throw new IOException("the worker sent frame '" + (char) frame.tag() + "' instead of a result");
  }

  /** Sends a frame with an empty body, such as {@link WireFormat#DRAIN}. */
  public void sendNotice(byte tag) throws IOException {
    WireFormat.write(toWorker, tag, java.util.Map.of());
  }

  public long lastStarted() {
    return lastStarted;
  }

  /** Whether the worker asked to take no more calls (a pilot near the end of its walltime). */
  public boolean draining() {
    return draining;
  }

  /** Ends the call stream: a serving worker finishes what it holds and exits. */
  public void closeCalls() {
    try {
      toWorker.close();
    } catch (IOException e) {
      // the worker is gone already
    }
  }
}
