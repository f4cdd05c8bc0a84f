package org.taskwire.internal.transport.stomp;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.messaging.simp.stomp.ReactorNettyTcpStompClient;
import org.springframework.messaging.simp.stomp.StompHeaders;
import org.springframework.messaging.simp.stomp.StompReactorNettyCodec;
import org.springframework.messaging.simp.stomp.StompSession;
import org.springframework.messaging.simp.stomp.StompSessionHandler;
import org.springframework.messaging.tcp.reactor.ReactorNettyTcpClient;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;
import org.taskwire.internal.threads.DaemonThreads;

/**
 * Creates Spring STOMP clients and sessions the way Taskwire needs them: byte[] payloads, a
 * scheduler for receipts and heartbeats (Spring needs one for receipts), TLS for
 * {@code stomp+ssl://}, login and passcode when configured.
 */
final class StompClients {
  static final long[] HEARTBEAT = {10_000, 10_000};
  private static ThreadPoolTaskScheduler scheduler;

  private StompClients() {}

  /** The scheduler of receipts and heartbeats, made on first use and stopped when the run closes. */
  private static synchronized ThreadPoolTaskScheduler scheduler() {
    if (scheduler == null) {
      ThreadPoolTaskScheduler s = new ThreadPoolTaskScheduler();
      s.setPoolSize(2);
      s.setThreadFactory(DaemonThreads.factory("taskwire-stomp"));
      s.initialize();
      scheduler = s;
      DaemonThreads.onRelease(() -> {
        synchronized (StompClients.class) {
          if (scheduler == s) {
            scheduler = null;
          }
        }
        s.shutdown();
      });
    }
    return scheduler;
  }

  static ReactorNettyTcpStompClient client(BrokerAddress address, Duration receiptTimeout) {
    // Its event loops and Reactor's timers take the group of the thread that builds the client.
    return DaemonThreads.inGroup("taskwire-stomp-client", () -> build(address, receiptTimeout));
  }

  private static ReactorNettyTcpStompClient build(BrokerAddress address, Duration receiptTimeout) {
    ReactorNettyTcpClient<byte[]> tcp = new ReactorNettyTcpClient<>(
        c -> {
          // Without TCP_NODELAY, frames sent back to back wait for the broker's delayed ACK (40 ms).
          c = c.host(address.host()).port(address.port()).option(io.netty.channel.ChannelOption.TCP_NODELAY, true);
          return address.tls() ? c.secure() : c;
        },
        new StompReactorNettyCodec());
    ReactorNettyTcpStompClient client = new ReactorNettyTcpStompClient(tcp);
    client.setTaskScheduler(scheduler());
    client.setDefaultHeartbeat(HEARTBEAT);
    client.setReceiptTimeLimit(receiptTimeout.toMillis());
    return client;
  }

  /**
   * Connects and returns the session.
   *
   * @throws Exception if the broker cannot be reached or refuses the login
   */
  static StompSession connect(ReactorNettyTcpStompClient client, BrokerSettings settings, StompSessionHandler handler,
      Duration timeout) throws Exception {
    StompHeaders connect = new StompHeaders();
    if (settings.user() != null && !settings.user().isEmpty()) {
      connect.setLogin(settings.user());
      connect.setPasscode(settings.password() == null ? "" : settings.password());
    }
    try {
      StompSession session = client.connectAsync(connect, handler).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      session.setAutoReceipt(false);
      return session;
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception ? (Exception) e.getCause() : e;
    } catch (TimeoutException e) {
      throw new TimeoutException("no CONNECTED frame within " + timeout);
    }
  }
}
