package org.taskwire.testing.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.annotations.Codec;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.EnvelopeJson;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.codec.Codecs;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.internal.transport.ResultReceiver;
import org.taskwire.internal.transport.TransportSettings;
import org.taskwire.internal.transport.message.Route;
import org.taskwire.internal.transport.message.SigningKey;
import org.taskwire.internal.transport.stomp.BrokerSettings;
import org.taskwire.internal.transport.stomp.EmbeddedBroker;

/**
 * The remote wrapper's runnable jar ({@code taskwire-remote-wrapper-*-all.jar}), as a grid job
 * runs it on its own: slimmed of what only the client uses, it still decodes, invokes, encodes
 * and delivers the result over STOMP.
 */
@Timeout(120)
class WrapperJarTest {
  @TempDir Path dir;

  private static Path wrapperJar() throws Exception {
    try (Stream<Path> jars = Files.list(Path.of("..", "remote-wrapper", "target"))) {
      return jars.filter(p -> p.getFileName().toString().endsWith("-all.jar")).findFirst()
          .orElseThrow(() -> new AssertionError("the remote wrapper's -all jar is built before the testing module"));
    }
  }

  @Test
  void theJarHoldsNoBrokerNoProgressBarAndStaysUnderTwentyMegabytes() throws Exception {
    Path jar = wrapperJar();
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
      List<String> clientOnly = zip.stream().map(java.util.zip.ZipEntry::getName)
          .filter(n -> n.startsWith("org/apache/activemq/") || n.startsWith("me/tongfei/progressbar/")).toList();
      org.assertj.core.api.Assertions.assertThat(clientOnly).as("classes only the client uses").isEmpty();
    }
    org.assertj.core.api.Assertions.assertThat(Files.size(jar)).as("bytes of " + jar).isLessThan(20_000_000L);
  }

  @Test
  void theRunnableJarRunsACallAndDeliversItsResultOverStomp() throws Exception {
    Path jar = wrapperJar();
    try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(jar.toFile())) {
      assertThat(zip.stream().map(java.util.zip.ZipEntry::getName)).noneMatch(n -> n.startsWith("org/apache/activemq/"));
    }
    PayloadCodec kryo = Codecs.of(Probe_WorkRegistry.WORKFLOW, Codec.KRYO);
    byte[] args = kryo.encodeArguments(Probe_WorkRegistry.SQUARE, new ProbeTasks.SquareArgs(12));
    CallEnvelope call = new CallEnvelope("run-jar", 1, 1, Probe_WorkRegistry.SQUARE.id(), kryo.name(), args);
    Path callFile = Files.write(dir.resolve("call.json"), EnvelopeJson.toJson(call));
    List<ResultEnvelope> received = new CopyOnWriteArrayList<>();
    try (EmbeddedBroker broker = EmbeddedBroker.start(1 << 20)) {
      TransportSettings settings = new TransportSettings(
          new BrokerSettings(List.of(broker.address()), null, null, BrokerSettings.DEFAULT_DESTINATION),
          null, Route.random(0, 0), SigningKey.generate(), 1 << 20);
      try (ResultReceiver receiver = ResultReceiver.open(settings, "run-jar", received::add, Duration.ofSeconds(10))) {
        String testClasses = Path.of("target", "test-classes").toAbsolutePath().toString();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", jar.toString(), "--classpath", testClasses, "--call", callFile.toString(),
            "--result", dir.resolve("result.json").toString()).redirectErrorStream(true);
        pb.environment().putAll(settings.toEnvironment());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).doesNotContain("cannot publish", "relay");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (received.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
    }
    assertThat(received).hasSize(1);
    assertThat(kryo.decodeResult(Probe_WorkRegistry.SQUARE, received.get(0).output())).isEqualTo(144);
  }

  @Test
  void theRunnableJarOpensASandboxAndFallsBackToTheRelayWithNoBroker() throws Exception {
    Path jar = wrapperJar();
    String testClasses = Path.of("target", "test-classes").toAbsolutePath().toString();
    org.taskwire.internal.sandbox.Sandbox sandbox = org.taskwire.internal.sandbox.SandboxBuilder
        .forClasspath(testClasses).cacheDirectory(dir.resolve("built")).build();
    PayloadCodec kryo = Codecs.of(Probe_WorkRegistry.WORKFLOW, Codec.KRYO);
    byte[] args = kryo.encodeArguments(Probe_WorkRegistry.SQUARE, new ProbeTasks.SquareArgs(7));
    CallEnvelope call = new CallEnvelope("run-jar", 2, 1, Probe_WorkRegistry.SQUARE.id(), kryo.name(), args);
    Path callFile = Files.write(dir.resolve("call.json"), EnvelopeJson.toJson(call));
    int deadPort;
    try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      deadPort = probe.getLocalPort();
    }
    List<ResultEnvelope> received = new CopyOnWriteArrayList<>();
    try (org.taskwire.internal.transport.http.ResultRelay relay = org.taskwire.internal.transport.http.ResultRelay.start(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 1 << 20)) {
      Route route = Route.random(0, 0);
      SigningKey key = SigningKey.generate();
      relay.openRoute(route.internalId(),
          org.taskwire.internal.transport.message.ResultMessages.signedFor(route, "run-jar", key));
      TransportSettings workerSide = new TransportSettings(new BrokerSettings(
          List.of(new org.taskwire.internal.transport.stomp.BrokerAddress("127.0.0.1", deadPort, false)), null, null,
          BrokerSettings.DEFAULT_DESTINATION), relay.url().toString(), route, key, 1 << 20);
      TransportSettings clientSide = new TransportSettings(null, relay.url().toString(), route, key, 1 << 20);
      try (ResultReceiver receiver = ResultReceiver.open(clientSide, "run-jar", received::add, Duration.ofSeconds(10))) {
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-jar", jar.toString(), "--sandbox", sandbox.file().toString(), "--sandbox-cache",
            dir.resolve("node").toString(), "--call", callFile.toString(),
            "--result", dir.resolve("result.json").toString()).redirectErrorStream(true);
        pb.environment().putAll(workerSide.toEnvironment());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("results go to the relay");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (received.isEmpty() && System.nanoTime() < deadline) {
          Thread.sleep(20);
        }
      }
    }
    assertThat(received).hasSize(1);
    assertThat(kryo.decodeResult(Probe_WorkRegistry.SQUARE, received.get(0).output())).isEqualTo(49);
  }
}
