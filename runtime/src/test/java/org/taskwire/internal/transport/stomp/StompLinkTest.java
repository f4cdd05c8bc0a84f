package org.taskwire.internal.transport.stomp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.taskwire.internal.transport.message.ResultMessage;

/**
 * The publisher's own STOMP link against a scripted broker, for what a real broker rarely does on
 * cue: refuse a login, answer receipts out of order, drop a connection while it is idle. The real
 * ActiveMQ brokers are in {@code StompTransportTest} and the PanDA tests.
 */
class StompLinkTest {
  private final ServerSocket server;
  private final List<String> frames = new CopyOnWriteArrayList<>();
  private final AtomicInteger connections = new AtomicInteger();

  StompLinkTest() throws IOException {
    server = new ServerSocket(0);
  }

  @AfterEach
  void stop() throws IOException {
    server.close();
  }

  /** What the scripted broker does on one connection. */
  interface Script {
    void run(InputStream in, OutputStream out) throws IOException;
  }

  private void serve(Script... perConnection) {
    Thread t = new Thread(() -> {
      for (Script script : perConnection) {
        try (Socket s = server.accept()) {
          connections.incrementAndGet();
          script.run(s.getInputStream(), s.getOutputStream());
        } catch (IOException e) {
          return;
        }
      }
    });
    t.setDaemon(true);
    t.start();
  }

  private String readFrame(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != 0; c = in.read()) {
      if (c < 0) {
        throw new IOException("closed");
      }
      b.write(c);
    }
    String frame = b.toString(StandardCharsets.UTF_8).replaceFirst("^\n+", "");
    frames.add(frame);
    return frame;
  }

  private static void write(OutputStream out, String frame) throws IOException {
    out.write((frame + "\0").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String header(String frame, String name) {
    return frame.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1))
        .findFirst().orElse(null);
  }

  private StompResultPublisher publisher(String user) {
    BrokerSettings settings = new BrokerSettings(List.of(new BrokerAddress("127.0.0.1", server.getLocalPort(), false)),
        user, user == null ? null : "secret", "/topic/results");
    List<String> notices = new ArrayList<>();
    return new StompResultPublisher(settings, Duration.ofSeconds(5), notices::add);
  }

  private static ResultMessage message(String route) {
    return new ResultMessage(Map.of("route", route), "{\"ret\":1}".getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aRefusedLoginFailsThePublishAndTheBrokersWordsAreKept() throws Exception {
    serve((in, out) -> {
      readFrame(in);
      write(out, "ERROR\nmessage:Authentication failed\n\nUser name [ada] or password is invalid.");
    });
    BrokerSettings settings = new BrokerSettings(List.of(new BrokerAddress("127.0.0.1", server.getLocalPort(), false)),
        "ada", "wrong", "/topic/results");
    IOException refused = null;
    try (StompLink link = StompLink.open(settings.addresses().get(0), settings, Duration.ofSeconds(5))) {
      // not reached
    } catch (IOException e) {
      refused = e;
    }
    assertThat(refused).hasMessageContaining("the broker refused the connection: ERROR: Authentication failed")
        .hasMessageContaining("User name [ada] or password is invalid.");
    assertThat(frames.get(0)).startsWith("CONNECT\n").contains("\nlogin:ada\n", "\npasscode:wrong\n",
        "\naccept-version:1.2\n", "\nheart-beat:0,0\n");
  }

  @Test
  void headersAreEscapedAndReceiptsAnsweredInAnyOrderConfirmTheirOwnMessages() throws Exception {
    serve((in, out) -> {
      readFrame(in);
      write(out, "CONNECTED\nversion:1.2\n\n");
      String first = readFrame(in);
      String second = readFrame(in);
      // the second's receipt first, with a heart-beat newline between frames
      write(out, "RECEIPT\nreceipt-id:" + header(second, "receipt") + "\n\n");
      out.write('\n');
      write(out, "RECEIPT\nreceipt-id:" + header(first, "receipt") + "\n\n");
      readFrame(in);
    });
    try (StompResultPublisher publisher = publisher(null)) {
      boolean[] confirmed = publisher.publishAll(List.of(message("run:1\nx"), message("plain")));
      assertThat(confirmed).containsExactly(true, true);
    }
    assertThat(frames.get(1)).startsWith("SEND\n").contains("\nroute:run\\c1\\nx\n", "\ndestination:/topic/results\n",
        "\ncontent-length:9\n").endsWith("\n\n{\"ret\":1}");
    assertThat(frames.get(2)).contains("\nroute:plain\n");
  }

  @Test
  void aConnectionTheBrokerClosedWhileIdleIsReplacedOnceWithoutCallingTheBrokerDown() throws Exception {
    CountDownLatch firstClosed = new CountDownLatch(1);
    serve((in, out) -> {
      readFrame(in);
      write(out, "CONNECTED\nversion:1.2\n\n");
      write(out, "RECEIPT\nreceipt-id:" + header(readFrame(in), "receipt") + "\n\n");
      firstClosed.countDown(); // and the connection closes
    }, (in, out) -> {
      readFrame(in);
      write(out, "CONNECTED\nversion:1.2\n\n");
      write(out, "RECEIPT\nreceipt-id:" + header(readFrame(in), "receipt") + "\n\n");
      readFrame(in);
    });
    try (StompResultPublisher publisher = publisher(null)) {
      assertThat(publisher.publishAll(List.of(message("a")))).containsExactly(true);
      assertThat(firstClosed.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(publisher.publishAll(List.of(message("b")))).containsExactly(true);
    }
    assertThat(connections.get()).isEqualTo(2);
  }

  @Test
  void aReceiptThatNeverComesFailsThePublishAfterTheTimeout() throws Exception {
    CountDownLatch done = new CountDownLatch(1);
    serve((in, out) -> {
      readFrame(in);
      write(out, "CONNECTED\nversion:1.2\n\n");
      readFrame(in);
      try {
        done.await(30, TimeUnit.SECONDS); // keeps the connection open, answers nothing
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    BrokerSettings settings = new BrokerSettings(List.of(new BrokerAddress("127.0.0.1", server.getLocalPort(), false)),
        null, null, "/topic/results");
    List<String> notices = new ArrayList<>();
    try (StompResultPublisher publisher = new StompResultPublisher(settings, Duration.ofMillis(300), notices::add)) {
      assertThat(publisher.publishAll(List.of(message("a")))).containsExactly(false);
    } finally {
      done.countDown();
    }
    assertThat(notices).singleElement().asString().contains("cannot publish to stomp://127.0.0.1:")
        .contains("results go to the relay");
  }
}
