package org.taskwire.wrapper;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.taskwire.internal.backend.WrapperExit;
import org.taskwire.internal.backend.serve.WireFormat;
import org.taskwire.internal.call.CallExecutor;
import org.taskwire.internal.threads.DaemonThreads;
import org.taskwire.internal.transport.message.SigningKey;

/**
 * {@code --pilot FILE}: a pilot job's loop. It reads how to reach its client from the run's
 * transport file, connects, proves it holds the run's key, then serves calls over the socket as a
 * local worker serves them over its pipes, with a heartbeat while a call runs. On the batch
 * system's warning signal ({@code SIGUSR1}, sent ahead of the walltime's end) it asks to drain: it
 * finishes what it holds and takes nothing more. When its client is gone it reads the transport
 * file again for a while, so that a resumed client gets its pilots back; it ends when the client
 * retires it, when the file is gone (the run closed or killed), or when no client answers.
 */
final class PilotLoop {
  /** The variable of the transport file that says where the client takes pilots. */
  static final String ADDRESS = "TASKWIRE_PILOT_ADDRESS";
  private static final int CONNECT_TIMEOUT_MILLIS = 10_000;

  private final CallExecutor executor;
  private final Path transportFile;
  private final long deadlineMillis;
  private final String shape;
  private final Duration heartbeat;
  private final Duration reconnectFor;
  private final AtomicBoolean draining = new AtomicBoolean();
  private volatile DataOutputStream frames;

  PilotLoop(CallExecutor executor, Path transportFile, long deadlineMillis, String shape, Duration heartbeat,
      Duration reconnectFor) {
    this.shape = shape;
    this.executor = executor;
    this.transportFile = transportFile;
    this.deadlineMillis = deadlineMillis;
    this.heartbeat = heartbeat;
    this.reconnectFor = reconnectFor;
  }

  int run() {
    onWarningSignal();
    DaemonThreads.start("taskwire-pilot-heartbeat", this::beat);
    long lostSince = System.nanoTime();
    boolean servedOnce = false;
    String lastProblem = "";
    while (true) {
      Map<String, String> env;
      ResultSigner signer;
      try {
        env = readTransport();
        signer = ResultSigner.fromEnvironment(env);
      } catch (NoSuchFileException e) {
        System.err.println("taskwire-pilot: " + transportFile + " is gone: the run was closed or killed; stopping");
        return WrapperExit.OK.code();
      } catch (IOException | IllegalArgumentException e) {
        System.err.println("taskwire-pilot: cannot read " + transportFile + ": " + e.getMessage());
        return WrapperExit.USAGE.code();
      }
      ServeLoop.Ending ending = null;
      try {
        ending = session(env, signer);
        servedOnce = true;
      } catch (IOException e) {
        if (!e.getMessage().equals(lastProblem)) {
          System.err.println("taskwire-pilot: " + e.getMessage());
          lastProblem = e.getMessage();
        }
      } catch (SecurityException e) {
        System.err.println("taskwire-pilot: " + e.getMessage());
        return WrapperExit.USAGE.code();
      }
      if (ending == ServeLoop.Ending.TOLD_TO_STOP || draining.get()) {
        System.err.println("taskwire-pilot: retired by the client; stopping");
        return WrapperExit.OK.code();
      }
      if (ending != null) {
        System.err.println("taskwire-pilot: the client went away (" + ending + "); waiting up to "
            + reconnectFor.toSeconds() + " s for it to come back");
        lostSince = System.nanoTime();
      }
      if (System.nanoTime() - lostSince > reconnectFor.toNanos()) {
        System.err.println("taskwire-pilot: no client for " + reconnectFor.toSeconds() + " s"
            + (servedOnce ? "" : " since the start") + "; stopping");
        return WrapperExit.CLIENT_GONE.code();
      }
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return WrapperExit.CLIENT_GONE.code();
      }
    }
  }

  /** One connection to the client, from the challenge to the end of its call stream. */
  private ServeLoop.Ending session(Map<String, String> env, ResultSigner signer) throws IOException {
    String address = env.get(ADDRESS);
    if (address == null) {
      throw new IOException(transportFile + " names no " + ADDRESS);
    }
    int colon = address.lastIndexOf(':');
    SigningKey key = signer.key();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
          CONNECT_TIMEOUT_MILLIS);
      socket.setTcpNoDelay(true);
      DataInputStream calls = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
      WireFormat.Frame first = WireFormat.read(calls);
      if (first == null || first.tag() != WireFormat.CHALLENGE) {
        throw new IOException("the client at " + address + " sent no challenge");
      }
      WireFormat.Challenge challenge = WireFormat.decode(first, WireFormat.Challenge.class);
      String proof = Base64.getEncoder().encodeToString(key.sign(challenge.nonce().getBytes(StandardCharsets.UTF_8)));
      String job = System.getenv().getOrDefault("SLURM_ARRAY_JOB_ID", System.getenv().getOrDefault("SLURM_JOB_ID", "?"))
          + (System.getenv("SLURM_ARRAY_TASK_ID") == null ? "" : "_" + System.getenv("SLURM_ARRAY_TASK_ID"));
      String node = java.net.InetAddress.getLocalHost().getHostName();
      WireFormat.write(out, WireFormat.HELLO, new WireFormat.PilotHello(challenge.runId(), job, node,
          ProcessHandle.current().pid(), deadlineMillis, shape, proof));
      WireFormat.write(out, WireFormat.READY, new WireFormat.Ready(ProcessHandle.current().pid(), executor.workIds()));
      System.err.println("taskwire-pilot: job " + job + " on " + node + " serving the client at " + address);
      frames = out;
      if (draining.get()) {
        WireFormat.write(out, WireFormat.DRAIN, Map.of());
      }
      try {
        return ServeLoop.serve(executor, signer, calls, out);
      } finally {
        frames = null;
      }
    }
  }

  /** The run's transport file: {@code export NAME='value'} lines, as the client wrote them. */
  private Map<String, String> readTransport() throws IOException {
    Map<String, String> env = new HashMap<>();
    for (String line : Files.readAllLines(transportFile, StandardCharsets.UTF_8)) {
      line = line.strip();
      if (!line.startsWith("export ")) {
        continue;
      }
      int eq = line.indexOf('=');
      String value = line.substring(eq + 1);
      // The client writes each value as one single-quoted shell word.
      if (value.length() >= 2 && value.startsWith("'") && value.endsWith("'")) {
        value = value.substring(1, value.length() - 1).replace("'\\''", "'");
      }
      env.put(line.substring("export ".length(), eq), value);
    }
    return env;
  }

  /** A heartbeat every interval while connected: a node that dies without a word is noticed by its silence. */
  private void beat() {
    while (true) {
      try {
        Thread.sleep(heartbeat.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      DataOutputStream out = frames;
      if (out != null) {
        try {
          WireFormat.write(out, WireFormat.HEARTBEAT, Map.of());
        } catch (IOException e) {
          // the serving loop finds out on its own
        }
      }
    }
  }

  /**
   * Drains on {@code SIGUSR1}, which Slurm sends ahead of the walltime's end ({@code --signal}).
   * Through reflection: {@code sun.misc.Signal} is the only way a JVM takes a signal, and javac
   * warns on it by name.
   */
  private void onWarningSignal() {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      Object usr1 = signal.getConstructor(String.class).newInstance("USR1");
      Object onSignal = java.lang.reflect.Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler},
          (proxy, method, args) -> {
            if (method.getName().equals("handle")) {
              drain();
            }
            return null;
          });
      signal.getMethod("handle", signal, handler).invoke(null, usr1, onSignal);
    } catch (ReflectiveOperationException | RuntimeException e) {
      System.err.println("taskwire-pilot: cannot take SIGUSR1 (" + e + "); the pilot will not drain before its "
          + "walltime ends, and the client relies on its deadline alone");
    }
  }

  private void drain() {
    if (draining.compareAndSet(false, true)) {
      System.err.println("taskwire-pilot: warned that the walltime ends soon; draining");
      DataOutputStream out = frames;
      if (out != null) {
        try {
          WireFormat.write(out, WireFormat.DRAIN, Map.of());
        } catch (IOException e) {
          // the serving loop finds out on its own
        }
      }
    }
  }
}
