package org.taskwire.wrapper;

import org.taskwire.internal.call.EnvelopeJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.taskwire.FailureKind;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.backend.serve.WireFormat;
import org.taskwire.internal.backend.WrapperExit;
import org.taskwire.internal.codec.Codecs;
import org.taskwire.internal.codec.PayloadCodec;
import org.taskwire.spi.JobOptions;

/** The single-call mode a grid job uses: one call file in, one result file out, a meaningful exit code. */
class RemoteWrapperTest {
  @TempDir Path dir;
  private final String classpath = System.getProperty("java.class.path");
  private final PayloadCodec kryo = Codecs.of(Echo_WorkRegistry.WORKFLOW, JobOptions.BUILT_IN.codec());

  private Path callFile(String text) throws Exception {
    byte[] args = kryo.encodeArguments(Echo_WorkRegistry.SHOUT, new EchoTasks.ShoutArgs(text));
    CallEnvelope call = new CallEnvelope("run", 1, 1, Echo_WorkRegistry.SHOUT.id(), kryo.name(), args);
    return Files.write(dir.resolve("call.json"), EnvelopeJson.toJson(call));
  }

  private ResultEnvelope result() throws Exception {
    return EnvelopeJson.fromJson(Files.readAllBytes(dir.resolve("result.json")), ResultEnvelope.class);
  }

  private int wrap(Path call) {
    return RemoteWrapper.run("--classpath", classpath, "--call", call.toString(), "--result",
        dir.resolve("result.json").toString());
  }

  /** A call still in the pipe when the client died is not run: nobody can want its result. */
  @Test
  void aServingWorkerRunsNoCallOnceItsClientIsGone() throws Exception {
    byte[] args = kryo.encodeArguments(Echo_WorkRegistry.SHOUT, new EchoTasks.ShoutArgs("late"));
    java.io.ByteArrayOutputStream pipe = new java.io.ByteArrayOutputStream();
    WireFormat.writeCalls(new java.io.DataOutputStream(pipe),
        List.of(new CallEnvelope("run", 1, 1, Echo_WorkRegistry.SHOUT.id(), kryo.name(), args)));
    java.io.ByteArrayOutputStream answers = new java.io.ByteArrayOutputStream();
    org.taskwire.internal.call.CallExecutor executor =
        org.taskwire.internal.call.CallExecutor.of(List.of(Echo_WorkRegistry.WORKFLOW));
    ServeLoop.Ending ending = ServeLoop.serve(executor, null,
        new java.io.DataInputStream(new java.io.ByteArrayInputStream(pipe.toByteArray())),
        new java.io.DataOutputStream(answers), () -> false);
    assertThat(ending).isEqualTo(ServeLoop.Ending.CLIENT_GONE);
    assertThat(ending.exit).isEqualTo(WrapperExit.CLIENT_GONE);
    assertThat(answers.size()).as("no answer: the call did not run").isZero();
  }

  @Test
  void successExitsZeroWithTheResult() throws Exception {
    assertThat(wrap(callFile("hi"))).isEqualTo(0);
    ResultEnvelope r = result();
    assertThat(r.succeeded()).isTrue();
    assertThat(kryo.decodeResult(Echo_WorkRegistry.SHOUT, r.output())).isEqualTo("HI");
  }

  @Test
  void workExceptionIsDeliveredAndExitsTen() throws Exception {
    assertThat(wrap(callFile(""))).isEqualTo(WrapperExit.WORK_THREW.code()).isEqualTo(10);
    ResultEnvelope r = result();
    assertThat(r.error().kind()).isEqualTo(FailureKind.WORK_THREW);
    assertThat(r.error().className()).isEqualTo("java.lang.IllegalArgumentException");
    assertThat(r.error().stackTrace()).contains("Echo.shout");
  }

  @Test
  void unreadableCallExitsEleven() throws Exception {
    Path garbage = Files.writeString(dir.resolve("call.json"), "{not json");
    assertThat(wrap(garbage)).isEqualTo(WrapperExit.BAD_PAYLOAD.code());
  }

  @Test
  void unknownWorkExitsEleven() throws Exception {
    CallEnvelope call = new CallEnvelope("run", 1, 1, "nope.Nope#x", "kryo", new byte[0]);
    Path file = Files.write(dir.resolve("call.json"), EnvelopeJson.toJson(call));
    assertThat(wrap(file)).isEqualTo(WrapperExit.BAD_PAYLOAD.code());
    assertThat(result().error().message()).contains("no work nope.Nope#x");
  }

  @Test
  void corruptArgumentsExitEleven() throws Exception {
    CallEnvelope call = new CallEnvelope("run", 1, 1, Echo_WorkRegistry.SHOUT.id(), "kryo", new byte[] {(byte) 0xff, 1});
    Path file = Files.write(dir.resolve("call.json"), EnvelopeJson.toJson(call));
    assertThat(wrap(file)).isEqualTo(WrapperExit.BAD_PAYLOAD.code());
  }

  @Test
  void nullArgumentsExitElevenWithAResultFileSayingSo() throws Exception {
    Path file = Files.writeString(dir.resolve("call.json"), "{\"runId\":\"run\",\"callId\":1,\"attempt\":1,"
        + "\"workId\":\"" + Echo_WorkRegistry.SHOUT.id() + "\",\"codec\":\"kryo\",\"arguments\":null}");
    assertThat(wrap(file)).isEqualTo(WrapperExit.BAD_PAYLOAD.code());
    assertThat(result().error().kind()).isEqualTo(FailureKind.BAD_PAYLOAD);
    assertThat(result().error().message()).contains("no arguments");
  }

  @Test
  void trailingBytesAfterTheArgumentsAreABadPayload() throws Exception {
    byte[] args = kryo.encodeArguments(Echo_WorkRegistry.SHOUT, new EchoTasks.ShoutArgs("hi"));
    byte[] longer = java.util.Arrays.copyOf(args, args.length + 3);
    CallEnvelope call = new CallEnvelope("run", 1, 1, Echo_WorkRegistry.SHOUT.id(), "kryo", longer);
    Path file = Files.write(dir.resolve("call.json"), EnvelopeJson.toJson(call));
    assertThat(wrap(file)).isEqualTo(WrapperExit.BAD_PAYLOAD.code());
    assertThat(result().error().message()).contains("3 bytes follow the encoded arguments");
  }

  @Test
  void malformedJobCallNamesExitEleven() {
    for (String name : List.of("c-5.AAAA", "c5.AA AA", "x5", "c", "c5.", "c5.AAAA.BB", "c99999999999999999999")) {
      assertThat(RemoteWrapper.run("--classpath", classpath, "--job-call", name, "--run", "run",
          "--work", Echo_WorkRegistry.SHOUT.id())).as(name).isEqualTo(WrapperExit.BAD_PAYLOAD.code());
    }
  }

  @Test
  void aServingWorkerAnswersANullArgumentsCallAndKeepsServing() throws Exception {
    byte[] good = kryo.encodeArguments(Echo_WorkRegistry.SHOUT, new EchoTasks.ShoutArgs("after"));
    java.io.ByteArrayOutputStream calls = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(calls)) {
      WireFormat.writeCalls(out, List.of(new CallEnvelope("run", 1, 1, Echo_WorkRegistry.SHOUT.id(), "kryo", null),
          new CallEnvelope("run", 2, 1, Echo_WorkRegistry.SHOUT.id(), "kryo", good)));
    }
    Path in = Files.write(dir.resolve("calls.bin"), calls.toByteArray());
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
        RemoteWrapper.class.getName(), "--serve", "--classpath", classpath);
    org.taskwire.internal.transport.message.SigningKey key = org.taskwire.internal.transport.message.SigningKey.generate();
    ProcessBuilder builder = new ProcessBuilder(command).redirectInput(in.toFile())
        .redirectError(dir.resolve("err.txt").toFile());
    builder.environment().put(org.taskwire.internal.transport.message.SigningKey.ENVIRONMENT, key.toBase64());
    builder.environment().put(org.taskwire.internal.transport.TransportSettings.MAX_BYTES, Integer.toString(1 << 20));
    Process p = builder.start();
    List<ResultEnvelope> answers = new ArrayList<>();
    try (java.io.DataInputStream frames = new java.io.DataInputStream(p.getInputStream())) {
      for (WireFormat.Frame f; (f = WireFormat.read(frames)) != null; ) {
        if (f.tag() == WireFormat.RESULT) {
          answers.add(WireFormat.readResult(f, key));
        }
      }
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("err.txt"))).isZero();
    assertThat(answers).hasSize(2);
    assertThat(answers.get(0).error().kind()).isEqualTo(FailureKind.BAD_PAYLOAD);
    assertThat(kryo.decodeResult(Echo_WorkRegistry.SHOUT, answers.get(1).output())).isEqualTo("AFTER");
  }

  @Test
  void missingClasspathEntryExitsTwelve() throws Exception {
    int code = RemoteWrapper.run("--classpath", dir.resolve("missing.jar").toString(), "--call",
        callFile("hi").toString(), "--result", dir.resolve("result.json").toString());
    assertThat(code).isEqualTo(WrapperExit.CLASSPATH.code());
  }

  @Test
  void undeliverableResultExitsThirteen() throws Exception {
    int code = RemoteWrapper.run("--classpath", classpath, "--call", callFile("hi").toString(), "--result",
        dir.resolve("no/such/dir/result.json").toString());
    assertThat(code).isEqualTo(WrapperExit.DELIVERY_FAILED.code());
  }

  @Test
  void runsFromASandboxAndRefusesATamperedOne() throws Exception {
    org.taskwire.internal.sandbox.Sandbox sandbox = org.taskwire.internal.sandbox.SandboxBuilder.forClasspath(classpath)
        .cacheDirectory(dir.resolve("built")).build();
    String cache = dir.resolve("node").toString();
    assertThat(RemoteWrapper.run("--sandbox", sandbox.file().toString(), "--sandbox-cache", cache,
        "--call", callFile("sandboxed").toString(), "--result", dir.resolve("result.json").toString())).isZero();
    assertThat(kryo.decodeResult(Echo_WorkRegistry.SHOUT, result().output())).isEqualTo("SANDBOXED");

    byte[] bytes = Files.readAllBytes(sandbox.file());
    bytes[bytes.length / 3] ^= 1;
    Path tampered = Files.createDirectories(dir.resolve("tampered")).resolve(sandbox.file().getFileName());
    Files.write(tampered, bytes);
    assertThat(RemoteWrapper.run("--sandbox", tampered.toString(), "--sandbox-cache", dir.resolve("node2").toString(),
        "--call", callFile("x").toString(), "--result", dir.resolve("result.json").toString()))
        .isEqualTo(WrapperExit.SANDBOX_CORRUPT.code());
    assertThat(result().error().kind()).as("the result file says why").isEqualTo(FailureKind.BACKEND);
    assertThat(result().error().message()).contains("corrupt");
    assertThat(RemoteWrapper.run("--sandbox", "http://127.0.0.1:9/cache/" + sandbox.file().getFileName(),
        "--sandbox-cache", dir.resolve("node3").toString(),
        "--call", callFile("x").toString(), "--result", dir.resolve("result.json").toString()))
        .isEqualTo(WrapperExit.SANDBOX_UNAVAILABLE.code());
    assertThat(RemoteWrapper.run("--sandbox", sandbox.file().toString(), "--classpath", classpath,
        "--call", callFile("x").toString(), "--result", dir.resolve("result.json").toString()))
        .isEqualTo(WrapperExit.USAGE.code());
  }

  @Test
  void helpListsEveryExitCodeFromTheOneList() {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.PrintStream old = System.out;
    System.setOut(new java.io.PrintStream(out, true));
    try {
      assertThat(RemoteWrapper.run("--help")).isZero();
    } finally {
      System.setOut(old);
    }
    String help = out.toString();
    for (WrapperExit exit : WrapperExit.values()) {
      assertThat(help).contains(String.format("%2d", exit.code()) + "   " + exit.meaning());
    }
  }

  @Test
  void badCommandLineExitsTwo() {
    assertThat(RemoteWrapper.run()).isEqualTo(WrapperExit.USAGE.code());
    assertThat(RemoteWrapper.run("--classpath", classpath)).isEqualTo(WrapperExit.USAGE.code());
    // Each of these is refused before any class path is opened, with the option named.
    for (String[] bad : List.of(new String[] {"--serve", "--serve", "--classpath", classpath},
        new String[] {"--pilot", "t.env", "--heartbeat", "ten", "--classpath", classpath},
        new String[] {"--pilot", "t.env", "--heartbeat", "99999999999", "--classpath", classpath},
        new String[] {"--ser", "--classpath", classpath},
        new String[] {"--serve", "--classpath", classpath, "stray"},
        new String[] {"--serve", "--classpath"})) {
      java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
      java.io.PrintStream old = System.err;
      System.setErr(new java.io.PrintStream(err, true));
      try {
        assertThat(RemoteWrapper.run(bad)).as(String.join(" ", bad)).isEqualTo(WrapperExit.USAGE.code());
      } finally {
        System.setErr(old);
      }
      assertThat(err.toString()).as(String.join(" ", bad)).startsWith("taskwire-wrapper: ").contains("usage:")
          .containsAnyOf("--serve", "--heartbeat", "--ser", "stray", "classpath");
    }
  }

  @Test
  void resultNoChannelTookExitsThirteenInAFreshJvm() throws Exception {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", classpath,
        RemoteWrapper.class.getName(), "--classpath", classpath,
        "--call", callFile("hi").toString(), "--result", dir.resolve("result.json").toString());
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    // Nothing listens on port 9 of loopback: neither the broker nor the relay takes the result.
    pb.environment().putAll(new org.taskwire.internal.transport.TransportSettings(
        new org.taskwire.internal.transport.stomp.BrokerSettings(
            List.of(org.taskwire.internal.transport.stomp.BrokerAddress.parse("stomp://127.0.0.1:9")), null, null, "/topic/t"),
        "http://127.0.0.1:9", org.taskwire.internal.transport.message.Route.random(0, 0),
        org.taskwire.internal.transport.message.SigningKey.generate(), 1 << 20).toEnvironment());
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isEqualTo(WrapperExit.DELIVERY_FAILED.code());
    assertThat(output).contains("no broker or relay took the result of call 1");
    assertThat(result().succeeded()).as("the result file is still written").isTrue();
  }

  @Test
  void classpathWithoutRegistriesExitsTwelveInAFreshJvm() throws Exception {
    // Only the wrapper and its libraries: the test classes, which hold the registry, are left out.
    String withoutTests = Arrays.stream(classpath.split(File.pathSeparator))
        .filter(e -> !e.endsWith("test-classes"))
        .collect(Collectors.joining(File.pathSeparator));
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", withoutTests,
        RemoteWrapper.class.getName(), "--classpath", withoutTests,
        "--call", callFile("hi").toString(), "--result", dir.resolve("result.json").toString()));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output).isEqualTo(WrapperExit.CLASSPATH.code());
    assertThat(output).contains("no work registry on the class path");
  }
}
