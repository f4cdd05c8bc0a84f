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
 * Frames for pipes and sockets: a one-byte tag, a four-byte length and that many bytes. Calls and
 * results, the frames that count, are binary (their fields in order, the payloads as they are);
 * the few control frames (ready, challenge, hello, started) are JSON.
 */
public final class WireFormat {
  /** Tag of a call frame, whose body is a {@link CallEnvelope} in binary (see {@link #writeCalls}). */
  public static final byte CALL = 'C';
  /**
   * Tag of a result frame: the HMAC-SHA256 of the run's key over the rest, then a {@link
   * ResultEnvelope} in binary (see {@link #writeResults}).
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
   * What a serving worker's environment holds: the run's key, which signs its results, the
   * largest result it may send ({@code taskwire.result.max-bytes}), and where the run keeps its
   * files ({@code taskwire.data.url}).
   */
  public static java.util.Map<String, String> workerEnvironment(org.taskwire.internal.backend.BackendContext context) {
    java.util.Map<String, String> env = new java.util.HashMap<>(context.dataEnvironment());
    env.put(SigningKey.ENVIRONMENT, context.identity().key().toBase64());
    env.put(org.taskwire.internal.transport.TransportSettings.MAX_BYTES,
        Integer.toString(context.config().get(org.taskwire.internal.config.ConfigKey.RESULT_MAX_BYTES)));
    return java.util.Map.copyOf(env);
  }

  /** The layout of the binary bodies; a worker and its client run the same code, and say so here. */
  private static final byte BODY_VERSION = 1;

  /** Writes calls as frames with one flush. */
  public static void writeCalls(DataOutputStream out, java.util.List<CallEnvelope> calls) throws IOException {
    java.util.List<byte[]> bodies = new java.util.ArrayList<>(calls.size());
    for (CallEnvelope call : calls) {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(
          64 + (call.arguments() == null ? 0 : call.arguments().length));
      DataOutputStream body = new DataOutputStream(bytes);
      body.writeByte(BODY_VERSION);
      writeString(body, call.runId());
      body.writeLong(call.callId());
      body.writeInt(call.attempt());
      writeString(body, call.workId());
      writeString(body, call.codec());
      writeBytes(body, call.arguments());
      bodies.add(bytes.toByteArray());
    }
    writeBodies(out, CALL, bodies);
  }

  /**
   * Reads a call frame's envelope.
   *
   * @throws IOException if the frame is not a whole call
   */
  public static CallEnvelope readCall(Frame frame) throws IOException {
    DataInputStream in = body(frame, "call");
    CallEnvelope call = new CallEnvelope(readString(in), in.readLong(), in.readInt(), readString(in), readString(in),
        readBytes(in));
    end(in, "call");
    return call;
  }

  private static byte[] resultBody(ResultEnvelope result) throws IOException {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream(
        128 + (result.output() == null ? 0 : result.output().length));
    DataOutputStream body = new DataOutputStream(bytes);
    body.writeByte(BODY_VERSION);
    writeString(body, result.runId());
    body.writeLong(result.callId());
    body.writeInt(result.attempt());
    writeBytes(body, result.output());
    org.taskwire.internal.call.RemoteError error = result.error();
    body.writeBoolean(error != null);
    if (error != null) {
      writeString(body, error.kindName());
      writeString(body, error.className());
      writeString(body, error.message());
      writeString(body, error.stackTrace());
      writeString(body, error.logLocation());
      writeString(body, error.backendDetail());
    }
    body.writeLong(result.startedAt());
    body.writeLong(result.finishedAt());
    return bytes.toByteArray();
  }

  private static ResultEnvelope readResultBody(byte[] bytes) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes));
    version(in, "result");
    String runId = readString(in);
    long callId = in.readLong();
    int attempt = in.readInt();
    byte[] output = readBytes(in);
    org.taskwire.internal.call.RemoteError error = null;
    if (in.readBoolean()) {
      String kind = readString(in);
      try {
        error = org.taskwire.internal.call.RemoteError.named(kind, readString(in), readString(in), readString(in),
            readString(in), readString(in));
      } catch (IllegalArgumentException e) {
        throw new IOException("a result frame names an unknown failure kind '" + kind + "'");
      }
    }
    ResultEnvelope result = new ResultEnvelope(runId, callId, attempt, output, error, in.readLong(), in.readLong());
    end(in, "result");
    return result;
  }

  private static DataInputStream body(Frame frame, String what) throws IOException {
    DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(frame.body()));
    version(in, what);
    return in;
  }

  private static void version(DataInputStream in, String what) throws IOException {
    try {
      int version = in.readUnsignedByte();
      if (version != BODY_VERSION) {
        throw new IOException("a " + what + " frame of layout " + version + ", not " + BODY_VERSION
            + ": the worker and its client run different versions of Taskwire");
      }
    } catch (EOFException e) {
      throw new IOException("an empty " + what + " frame");
    }
  }

  private static void end(DataInputStream in, String what) throws IOException {
    if (in.available() > 0) {
      throw new IOException("a " + what + " frame with " + in.available() + " stray bytes at its end");
    }
  }

  /** A string as its UTF-8 length (-1 for null) and bytes: a stack trace may exceed writeUTF's 64 KB. */
  private static void writeString(DataOutputStream out, String s) throws IOException {
    writeBytes(out, s == null ? null : s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  private static String readString(DataInputStream in) throws IOException {
    byte[] bytes = readBytes(in);
    return bytes == null ? null : new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
  }

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    if (bytes == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length;
    try {
      length = in.readInt();
    } catch (EOFException e) {
      throw new IOException("a frame that ends inside its fields");
    }
    if (length == -1) {
      return null;
    }
    if (length < 0 || length > in.available()) {
      throw new IOException("a field of " + length + " bytes in a frame with " + in.available() + " left");
    }
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
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
      byte[] fields = resultBody(result);
      byte[] body = new byte[SIGNATURE_BYTES + fields.length];
      System.arraycopy(key.sign(fields), 0, body, 0, SIGNATURE_BYTES);
      System.arraycopy(fields, 0, body, SIGNATURE_BYTES, fields.length);
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
    byte[] fields = java.util.Arrays.copyOfRange(body, SIGNATURE_BYTES, body.length);
    if (!key.verify(fields, java.util.Arrays.copyOf(body, SIGNATURE_BYTES))) {
      throw new IOException("a result frame is not signed with this run's key");
    }
    return readResultBody(fields);
  }

  public static <T> T decode(Frame frame, Class<T> type) throws IOException {
    return EnvelopeJson.fromJson(frame.body(), type);
  }

}
