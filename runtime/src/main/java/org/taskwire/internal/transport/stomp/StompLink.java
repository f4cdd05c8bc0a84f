package org.taskwire.internal.transport.stomp;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * One blocking STOMP 1.2 connection that publishes: {@code CONNECT}, {@code SEND} frames with
 * receipts written back to back, the {@code RECEIPT} (or {@code ERROR}) frames read back, and
 * {@code DISCONNECT}. It is what a job needs to hand over a few results, on a plain socket: the
 * reactive client the subscriber uses loads about 1,400 classes (Spring Messaging, Reactor, Netty),
 * which a fresh job JVM pays for with most of its start-up. It asks for no heart-beats: a publisher
 * is idle only between its connect and its sends, and a connection found dead then is replaced.
 */
final class StompLink implements Closeable {
  /** A frame read from the broker. */
  record Frame(String command, Map<String, String> headers, byte[] body) {
    /** The broker's own words for an ERROR frame: its {@code message} header and body. */
    String describe() {
      String message = headers.getOrDefault("message", "");
      String text = new String(body, StandardCharsets.UTF_8).strip();
      return command + (message.isEmpty() ? "" : ": " + message) + (text.isEmpty() ? "" : " (" + text + ")");
    }
  }

  /** The largest frame taken from a broker; a publisher reads only receipts and errors. */
  private static final int MAX_FRAME_BYTES = 1 << 20;

  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final long openedAt = System.nanoTime();

  private StompLink(Socket socket) throws IOException {
    this.socket = socket;
    this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    this.in = new BufferedInputStream(socket.getInputStream(), 8 * 1024);
  }

  /**
   * Connects and logs in.
   *
   * @throws IOException if the broker cannot be reached in time, its certificate or host name does
   *     not check out, or it refuses the login (the broker's message is in the exception's)
   */
  static StompLink open(BrokerAddress address, BrokerSettings settings, Duration timeout) throws IOException {
    int millis = (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeout.toMillis()));
    Socket socket = address.tls() ? SSLSocketFactory.getDefault().createSocket() : new Socket();
    try {
      // Without TCP_NODELAY, frames sent back to back wait for the broker's delayed ACK (40 ms).
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(address.host(), address.port()), millis);
      socket.setSoTimeout(millis);
      if (socket instanceof SSLSocket tls) {
        SSLParameters parameters = tls.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        tls.setSSLParameters(parameters);
        tls.startHandshake();
      }
      StompLink link = new StompLink(socket);
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("accept-version", "1.2");
      headers.put("host", address.host());
      headers.put("heart-beat", "0,0");
      if (settings.user() != null && !settings.user().isEmpty()) {
        headers.put("login", settings.user());
        headers.put("passcode", settings.password() == null ? "" : settings.password());
      }
      link.write("CONNECT", headers, null);
      link.flush();
      Frame answer = link.read(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis));
      if (!answer.command().equals("CONNECTED")) {
        throw new IOException("the broker refused the connection: " + answer.describe());
      }
      return link;
    } catch (SocketTimeoutException e) {
      closeQuietly(socket);
      throw new SocketTimeoutException("no CONNECTED frame within " + timeout);
    } catch (IOException | RuntimeException e) {
      closeQuietly(socket);
      throw e;
    }
  }

  /** How long ago it connected. */
  Duration age() {
    return Duration.ofNanos(System.nanoTime() - openedAt);
  }

  /** Queues one SEND frame; nothing goes out before {@link #flush()}. */
  void send(String destination, Map<String, String> headers, String contentType, byte[] body, String receipt)
      throws IOException {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put("destination", destination);
    all.put("content-type", contentType);
    all.put("content-length", Integer.toString(body.length));
    all.put("receipt", receipt);
    write("SEND", all, body);
  }

  void flush() throws IOException {
    out.flush();
  }

  private void write(String command, Map<String, String> headers, byte[] body) throws IOException {
    StringBuilder head = new StringBuilder(256).append(command).append('\n');
    boolean escape = !command.equals("CONNECT"); // STOMP 1.2: CONNECT headers are not escaped
    headers.forEach((k, v) -> head.append(escape ? escape(k) : k).append(':').append(escape ? escape(v) : v).append('\n'));
    head.append('\n');
    out.write(head.toString().getBytes(StandardCharsets.UTF_8));
    if (body != null) {
      out.write(body);
    }
    out.write(0);
  }

  private static String escape(String s) {
    if (s.indexOf('\\') < 0 && s.indexOf(':') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '\\' -> b.append("\\\\");
        case ':' -> b.append("\\c");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  private static String unescape(String s) {
    if (s.indexOf('\\') < 0) {
      return s;
    }
    StringBuilder b = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        b.append(switch (n) {
          case 'c' -> ':';
          case 'n' -> '\n';
          case 'r' -> '\r';
          default -> n;
        });
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  /**
   * Reads the next frame, skipping heart-beat newlines.
   *
   * @throws SocketTimeoutException if none is complete by the deadline
   * @throws EOFException if the broker closed the connection
   */
  Frame read(long deadlineNanos) throws IOException {
    String command;
    do {
      command = line(deadlineNanos);
    } while (command.isEmpty());
    Map<String, String> headers = new LinkedHashMap<>();
    for (String header = line(deadlineNanos); !header.isEmpty(); header = line(deadlineNanos)) {
      int colon = header.indexOf(':');
      if (colon > 0) {
        // STOMP 1.2: the first occurrence of a repeated header is the one that counts.
        headers.putIfAbsent(unescape(header.substring(0, colon)), unescape(header.substring(colon + 1)));
      }
    }
    String length = headers.get("content-length");
    byte[] body;
    if (length != null) {
      int n = Integer.parseInt(length.trim());
      if (n < 0 || n > MAX_FRAME_BYTES) {
        throw new IOException("the broker sent a " + command + " frame of " + n + " bytes");
      }
      body = new byte[n];
      for (int off = 0; off < n; ) {
        int got = in.read(body, off, n - off);
        if (got < 0) {
          throw new EOFException("the broker closed the connection mid-frame");
        }
        off += got;
      }
      if (next(deadlineNanos) != 0) {
        throw new IOException("a " + command + " frame does not end with NUL after its content-length");
      }
    } else {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      for (int c = next(deadlineNanos); c != 0; c = next(deadlineNanos)) {
        if (b.size() >= MAX_FRAME_BYTES) {
          throw new IOException("the broker sent a " + command + " frame over " + MAX_FRAME_BYTES + " bytes");
        }
        b.write(c);
      }
      body = b.toByteArray();
    }
    return new Frame(command, headers, body);
  }

  /** One header line, without its EOL (LF or CRLF). */
  private String line(long deadlineNanos) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(64);
    for (int c = next(deadlineNanos); c != '\n'; c = next(deadlineNanos)) {
      if (b.size() >= MAX_FRAME_BYTES) {
        throw new IOException("the broker sent a header line over " + MAX_FRAME_BYTES + " bytes");
      }
      b.write(c);
    }
    String s = b.toString(StandardCharsets.UTF_8);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  private int next(long deadlineNanos) throws IOException {
    if (in.available() == 0) {
      long left = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
      if (left <= 0) {
        throw new SocketTimeoutException("no frame from the broker in time");
      }
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
    }
    int c = in.read();
    if (c < 0) {
      throw new EOFException("the broker closed the connection");
    }
    return c;
  }

  /** Says goodbye without waiting for an answer, and closes the socket. */
  @Override
  public void close() {
    try {
      write("DISCONNECT", Map.of(), null);
      out.flush();
    } catch (IOException e) {
      // already gone
    }
    closeQuietly(socket);
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing to do
    }
  }
}
