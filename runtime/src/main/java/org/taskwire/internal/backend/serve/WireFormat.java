package org.taskwire.internal.backend.serve;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.EnvelopeJson;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.transport.message.SigningKey;

/**
 * Envelopes as length-prefixed JSON frames, for pipes, sockets and files. A frame is a one-byte
 * tag, a four-byte length and that many bytes of JSON.
 */
public final class WireFormat {
  /** Tag of a {@link CallEnvelope} frame. */
  public static final byte CALL = 'C';
  /**
   * Tag of a result frame: the HMAC-SHA256 of the run's key over the body's JSON, then the JSON of
   * a {@link ResultEnvelope} (see {@link #writeResults}).
   */
  public static final byte RESULT = 'R';
  /** Tag of the worker's ready frame, whose body is a {@link Ready}. */
  public static final byte READY = 'H';
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

  /**
   * Calls quicker than this are short: the client sends a worker several at once, and the worker
   * holds their results to send them together while more wait in its channel.
   */
  public static final long SHORT_CALL_NANOS = 5_000_000;

  /** Frames larger than this are refused rather than allocated. */
  public static final int MAX_FRAME = 256 * 1024 * 1024;


  /** What a serving worker says once it has loaded its registries. */
  public record Ready(long pid, java.util.List<String> works) {}

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
    writeBodies(out, tag, bodies);
  }

  /** Writes frames of one tag with one flush, none interleaved with another thread's. */
  private static void writeBodies(DataOutputStream out, byte tag, java.util.List<byte[]> bodies) throws IOException {
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

  /**
   * What a serving worker's environment holds: the run's key, which signs its results, and the
   * largest result it may send ({@code taskwire.result.max-bytes}).
   */
  public static java.util.Map<String, String> workerEnvironment(SigningKey key, int maxBytes) {
    return java.util.Map.of(SigningKey.ENVIRONMENT, key.toBase64(),
        org.taskwire.internal.transport.TransportSettings.MAX_BYTES, Integer.toString(maxBytes));
  }

  /** The length of a result frame's signature. */
  private static final int SIGNATURE_BYTES = 32;

  /**
   * Writes results as signed frames with one flush. A worker's channel is its own (a pipe, or a
   * socket whose pilot proved it holds the run's key), and each result is signed all the same, as
   * on a broker: nothing but the run's workers can complete its calls.
   */
  public static void writeResults(DataOutputStream out, java.util.List<ResultEnvelope> results, SigningKey key)
      throws IOException {
    java.util.List<byte[]> bodies = new java.util.ArrayList<>(results.size());
    for (ResultEnvelope result : results) {
      byte[] json = EnvelopeJson.toJson(result);
      byte[] body = new byte[SIGNATURE_BYTES + json.length];
      System.arraycopy(key.sign(json), 0, body, 0, SIGNATURE_BYTES);
      System.arraycopy(json, 0, body, SIGNATURE_BYTES, json.length);
      bodies.add(body);
    }
    writeBodies(out, RESULT, bodies);
  }

  /**
   * Reads a result frame's envelope after checking its signature.
   *
   * @throws IOException if the frame is not signed with {@code key}, or holds no result
   */
  public static ResultEnvelope readResult(Frame frame, SigningKey key) throws IOException {
    byte[] body = frame.body();
    if (body.length <= SIGNATURE_BYTES) {
      throw new IOException("a result frame of " + body.length + " bytes holds no result");
    }
    byte[] json = java.util.Arrays.copyOfRange(body, SIGNATURE_BYTES, body.length);
    if (!key.verify(json, java.util.Arrays.copyOf(body, SIGNATURE_BYTES))) {
      throw new IOException("a result frame is not signed with this run's key");
    }
    return EnvelopeJson.fromJson(json, ResultEnvelope.class);
  }

  public static <T> T decode(Frame frame, Class<T> type) throws IOException {
    return EnvelopeJson.fromJson(frame.body(), type);
  }

}
