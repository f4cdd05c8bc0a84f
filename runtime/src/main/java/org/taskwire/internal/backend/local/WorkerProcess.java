package org.taskwire.internal.backend.local;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.taskwire.internal.call.CallEnvelope;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.backend.WrapperExit;

/**
 * One worker JVM running the remote wrapper in serve mode: calls go down its standard input,
 * results come back on its standard output, everything it prints goes to its log file.
 */
final class WorkerProcess {
  private final Process process;
  private final Path log;
  private final DataOutputStream toWorker;
  private final DataInputStream fromWorker;
  private volatile long lastStarted = -1;

  private WorkerProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
    this.toWorker = new DataOutputStream(new BufferedOutputStream(process.getOutputStream()));
    this.fromWorker = new DataInputStream(new BufferedInputStream(process.getInputStream()));
  }

  static WorkerProcess start(List<String> command, java.util.Map<String, String> environment, Path directory,
      Path log) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    builder.directory(directory.toFile());
    builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new WorkerProcess(builder.start(), log);
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /**
   * Waits for the worker's ready frame.
   *
   * @throws IOException if the worker exits or says something else first
   */
  WireFormat.Ready awaitReady() throws IOException {
    WireFormat.Frame frame = WireFormat.read(fromWorker);
    if (frame == null) {
      throw new IOException("the worker exited before it was ready");
    }
    if (frame.tag() != WireFormat.READY) {
      throw new IOException("the worker sent frame '" + (char) frame.tag() + "' before it was ready");
    }
    return WireFormat.decode(frame, WireFormat.Ready.class);
  }

  /** Sends calls; the worker answers them one by one, in this order. */
  void send(List<CallEnvelope> calls) throws IOException {
    WireFormat.writeAll(toWorker, WireFormat.CALL, calls);
  }

  /** What the worker said about a call: its result, or that the result went out on another channel. */
  record Answer(ResultEnvelope result, WireFormat.Done done) {}

  /**
   * Reads the worker's answer to the call it holds.
   *
   * @param onStarted told of each call the worker says it starts while it holds earlier results
   * @throws IOException if the worker died or sent garbage
   */
  Answer receive(java.util.function.LongConsumer onStarted) throws IOException {
    WireFormat.Frame frame = WireFormat.read(fromWorker);
    while (frame != null && frame.tag() == WireFormat.STARTED) {
      lastStarted = WireFormat.decode(frame, WireFormat.Started.class).callId();
      onStarted.accept(lastStarted);
      frame = WireFormat.read(fromWorker);
    }
    if (frame == null) {
      throw new IOException("the worker closed its output");
    }
    if (frame.tag() == WireFormat.RESULT) {
      return new Answer(WireFormat.decode(frame, ResultEnvelope.class), null);
    }
    if (frame.tag() == WireFormat.DONE) {
      return new Answer(null, WireFormat.decode(frame, WireFormat.Done.class));
    }
    throw new IOException("the worker sent frame '" + (char) frame.tag() + "' instead of a result");
  }

  /** The call the worker last said it was starting while holding results, or -1. */
  long lastStarted() {
    return lastStarted;
  }

  /** Waits briefly for the process to end, killing it if needed, and explains its exit. */
  String exitDescription() {
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
        return "stopped responding and was killed";
      }
      return "exited with " + WrapperExit.describe(process.exitValue());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "state unknown (interrupted)";
    }
  }

  /** The last lines of the worker's log, for error messages. */
  String logTail() {
    try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
      long length = file.length();
      int size = (int) Math.min(length, 2000);
      byte[] bytes = new byte[size];
      file.seek(length - size);
      file.readFully(bytes);
      List<String> lines = new String(bytes, StandardCharsets.UTF_8).strip().lines().toList();
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 12), lines.size()));
    } catch (IOException e) {
      return "";
    }
  }

  void kill() {
    process.destroyForcibly();
  }

  /** Closes the call pipe so the worker ends by itself, then makes sure it has. */
  void stop() {
    try {
      toWorker.close();
    } catch (IOException e) {
      // the worker is gone already
    }
    try {
      if (!process.waitFor(2, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
