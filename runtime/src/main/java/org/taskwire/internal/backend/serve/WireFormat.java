package org.taskwire.internal.backend.serve;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.EnvelopeJson;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.transport.Delivery;

/**
 * Envelopes as length-prefixed JSON frames, for pipes, sockets and files. A frame is a one-byte
 * tag, a four-byte length and that many bytes of JSON.
 */
public final class WireFormat {
  /** Tag of a {@link CallEnvelope} frame. */
  public static final byte CALL = 'C';
  /** Tag of a {@link ResultEnvelope} frame. */
  public static final byte RESULT = 'R';
  /** Tag of the worker's ready frame, whose body is a {@link Ready}. */
  public static final byte READY = 'H';
  /** Tag of a {@link Done} frame: a result went out through a broker or the relay, not the pipe. */
  public static final byte DONE = 'D';

  /**
   * Tag of a {@link Started} frame: a serving worker holding results of earlier calls (to send
   * them together) is starting the next call, so that if it dies the caller knows which call did it.
   */
  public static final byte STARTED = 'S';

  /** Tag of a heartbeat frame, empty: a pilot says it is alive while a long call runs. */
  public static final byte HEARTBEAT = 'B';

  /**
   * Tag of a drain frame, empty: a pilot got its batch system's warning that its walltime ends
   * soon; it finishes what it holds and should be sent nothing more.
   */
  public static final byte DRAIN = 'W';

  /** Tag of the client's challenge to a pilot that connects, whose body is a {@link Challenge}. */
  public static final byte CHALLENGE = 'N';

  /** Tag of a pilot's answer to the challenge, whose body is a {@link PilotHello}. */
  public static final byte HELLO = 'P';

  /** Frames larger than this are refused rather than allocated. */
  public static final int MAX_FRAME = 256 * 1024 * 1024;


  /** What a serving worker says once it has loaded its registries. */
  public record Ready(long pid, java.util.List<String> works) {}

  /**
   * What a serving worker says when a result went out on another channel; it carries the result
   * too, as the worker's own record, used only if that channel loses it.
   */
  public record Done(long callId, int attempt, Delivery delivery, ResultEnvelope record) {}

  /** Which call a serving worker starts while it holds earlier results. */
  public record Started(long callId, int attempt) {}

  /** What a client asks a pilot that connects to prove: that it holds the run's key. */
  public record Challenge(String runId, String nonce) {}

  /**
   * Who a pilot is, and its proof: the run's key signing the challenge's nonce.
   *
   * @param job the batch system's job id, e.g. {@code 1234_5}
   * @param node the host it runs on
   * @param deadlineMillis when its walltime ends (epoch milliseconds), 0 when unknown
   * @param shape the key of the resources its job asked for, which decide the calls it may take
   */
  public record PilotHello(String runId, String job, String node, long pid, long deadlineMillis, String shape,
      String proof) {}

  /** A frame as read: its tag and JSON body. */
  public record Frame(byte tag, byte[] body) {}

  private WireFormat() {}

  public static void write(DataOutputStream out, byte tag, Object envelope) throws IOException {
    writeAll(out, tag, java.util.List.of(envelope));
  }

  /** Writes several frames with one flush, so a pipe carries them in as few writes as it can. */
  public static void writeAll(DataOutputStream out, byte tag, java.util.List<?> envelopes) throws IOException {
    java.util.List<byte[]> bodies = new java.util.ArrayList<>(envelopes.size());
    for (Object envelope : envelopes) {
      bodies.add(EnvelopeJson.toJson(envelope));
    }
    synchronized (out) {
      for (byte[] body : bodies) {
        out.writeByte(tag);
        out.writeInt(body.length);
        out.write(body);
      }
      out.flush();
    }
  }

  /**
   * Reads one frame.
   *
   * @return null at a clean end of stream
   * @throws IOException on a truncated or oversized frame
   */
  public static Frame read(DataInputStream in) throws IOException {
    int tag = in.read();
    if (tag < 0) {
      return null;
    }
    int length;
    try {
      length = in.readInt();
    } catch (EOFException e) {
      throw new EOFException("stream ended inside a frame header");
    }
    if (length < 0 || length > MAX_FRAME) {
      throw new IOException("bad frame length " + length + " (tag " + tag + ")");
    }
    byte[] body = new byte[length];
    in.readFully(body);
    return new Frame((byte) tag, body);
  }

  public static <T> T decode(Frame frame, Class<T> type) throws IOException {
    return EnvelopeJson.fromJson(frame.body(), type);
  }

}
