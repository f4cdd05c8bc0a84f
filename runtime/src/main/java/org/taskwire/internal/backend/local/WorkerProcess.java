package org.taskwire.internal.backend.local;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.taskwire.internal.backend.WrapperExit;
import org.taskwire.internal.backend.WorkerLogs;
import org.taskwire.internal.backend.serve.FramedWorker;
import org.taskwire.internal.backend.serve.WireFormat;
import org.taskwire.internal.backend.serve.WorkerFrames;
import org.taskwire.internal.transport.message.SigningKey;

/**
 * One worker JVM running the remote wrapper in serve mode: calls go down its standard input,
 * results come back on its standard output, everything it prints goes to its log file.
 */
final class WorkerProcess extends FramedWorker {
  private final Process process;
  private final Path log;
  private final int index;

  private WorkerProcess(Process process, Path log, int index, SigningKey key) {
    super(new WorkerFrames(process.getInputStream(), process.getOutputStream(), key));
    this.process = process;
    this.log = log;
    this.index = index;
  }

  static WorkerProcess start(int index, List<String> command, java.util.Map<String, String> environment,
      Path directory, Path log, SigningKey key) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(environment);
    builder.directory(directory.toFile());
    builder.redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    return new WorkerProcess(builder.start(), log, index, key);
  }

  long pid() {
    return process.pid();
  }

  @Override
  public String log() {
    return log.toString();
  }

  @Override
  public String describe() {
    return "worker " + index + " (pid " + process.pid() + ", log " + log + ")";
  }

  @Override
  public java.util.Map<String, String> handle() {
    return java.util.Map.of("worker", Integer.toString(index), "pid", Long.toString(process.pid()), "log",
        log.toString());
  }

  /**
   * Waits for the worker's ready frame.
   *
   * @throws IOException if the worker exits or says something else first
   */
  WireFormat.Ready awaitReady() throws IOException {
    return frames.awaitReady();
  }

  /** Waits briefly for the process to end, killing it if needed, and explains its exit. */
  @Override
  public String endDescription() {
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

  /** The process's exit status once it has ended. */
  java.util.Optional<Integer> exitCode() {
    return process.isAlive() ? java.util.Optional.empty() : java.util.Optional.of(process.exitValue());
  }

  @Override
  public String logTail() {
    return WorkerLogs.tail(log);
  }

  @Override
  public void kill() {
    process.destroyForcibly();
  }

  /** Closes the call pipe so the worker ends by itself, then makes sure it has. */
  void stop() {
    frames.closeCalls();
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
