package org.taskwire.internal.transport.stomp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.UUID;
import org.apache.activemq.broker.BrokerService;

/**
 * An ActiveMQ Classic broker inside this JVM with a STOMP connector on loopback: non-persistent,
 * no JMX, no advisories; it starts in about a quarter of a second. The local backend runs one
 * unless {@code taskwire.broker.url} names an external broker.
 */
public final class EmbeddedBroker implements AutoCloseable {

  static {
    // Its start and stop chatter is no news to the user.
    org.taskwire.internal.config.QuietLibraries.quietUnlessAsked("org.apache.activemq");
  }

  private final int port;
  private final int maxFrameBytes;
  private BrokerService broker;
  /** What the broker may spool to disk: results are consumed as they come. */
  private static final long SPOOL_LIMIT_BYTES = 1L << 30;

  private EmbeddedBroker(int port, int maxFrameBytes) {
    this.port = port;
    this.maxFrameBytes = maxFrameBytes;
  }

  /**
   * Starts a broker on a free loopback port.
   *
   * @param maxFrameBytes the largest STOMP frame the broker accepts
   */
  public static EmbeddedBroker start(int maxFrameBytes) throws IOException {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    EmbeddedBroker b = new EmbeddedBroker(port, maxFrameBytes);
    b.restart();
    return b;
  }

  /** Starts the broker again on the same port after {@link #stop()}. */
  public synchronized void restart() throws IOException {
    if (broker != null) {
      return;
    }
    BrokerService service = new BrokerService();
    service.setBrokerName("taskwire-" + UUID.randomUUID());
    service.setPersistent(false);
    service.setUseJmx(false);
    service.setAdvisorySupport(false);
    service.setUseShutdownHook(false);
    // Results are small and consumed at once; ActiveMQ's 50 GB disk defaults only make it warn on
    // a machine with less free disk than that.
    service.getSystemUsage().getTempUsage().setLimit(SPOOL_LIMIT_BYTES);
    service.getSystemUsage().getStoreUsage().setLimit(SPOOL_LIMIT_BYTES);
    try {
      // tcpNoDelay: receipts for pipelined sends must not wait for the client's delayed ACK.
      service.addConnector("stomp://127.0.0.1:" + port + "?transport.tcpNoDelay=true&transport.maxDataLength=" + maxFrameBytes
          + "&transport.maxFrameSize=" + maxFrameBytes);
      service.start();
      service.waitUntilStarted();
    } catch (Exception e) {
      throw new IOException("cannot start the embedded broker on 127.0.0.1:" + port + ": " + e.getMessage(), e);
    }
    broker = service;
  }

  /** The broker's STOMP address. */
  public BrokerAddress address() {
    return new BrokerAddress("127.0.0.1", port, false);
  }

  /** Stops the broker, dropping every connection; {@link #restart()} brings it back. */
  public synchronized void stop() {
    if (broker != null) {
      try {
        broker.stop();
        broker.waitUntilStopped();
      } catch (Exception e) {
        // stopping anyway
      }
      broker = null;
    }
  }

  @Override
  public void close() {
    stop();
  }
}
