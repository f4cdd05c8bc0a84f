package org.taskwire.internal.backend.pilot;

import java.io.IOException;
import java.net.Socket;
import java.util.List;
import java.util.Map;
import org.taskwire.internal.backend.WorkerLogs;
import org.taskwire.internal.backend.serve.FramedWorker;
import org.taskwire.internal.backend.serve.WireFormat;
import org.taskwire.internal.backend.serve.WorkerFrames;

/** A connected pilot: its socket's frames, who it is, and how to end it. */
final class PilotConnection extends FramedWorker {
  private final Socket socket;
  private final WireFormat.PilotHello hello;
  private final PilotLauncher launcher;

  PilotConnection(Socket socket, WorkerFrames frames, WireFormat.PilotHello hello, PilotLauncher launcher) {
    super(frames);
    this.socket = socket;
    this.hello = hello;
    this.launcher = launcher;
  }

  WireFormat.PilotHello hello() {
    return hello;
  }

  WorkerFrames frames() {
    return frames;
  }

  /** A call past its walltime: the pilot's job goes, not only its connection, so the call stops too. */
  @Override
  public void kill() {
    launcher.cancel(List.of(hello.job()));
    closeQuietly();
  }

  @Override
  public String endDescription() {
    return "went away (" + launcher.describe(hello.job()) + ")";
  }

  @Override
  public String logTail() {
    return WorkerLogs.tail(launcher.logOf(hello.job()));
  }

  @Override
  public String log() {
    return launcher.logOf(hello.job()).toString();
  }

  @Override
  public String describe() {
    return "pilot " + hello.job() + " on " + hello.node() + " (pid " + hello.pid() + ", log " + log() + ")";
  }

  @Override
  public Map<String, String> handle() {
    return Map.of("pilot", hello.job(), "node", hello.node(), "log", log());
  }

  /** Tells the pilot to finish what it holds and stop, then ends the connection. */
  void retire() {
    try {
      frames.sendNotice(WireFormat.DRAIN);
    } catch (IOException e) {
      // gone already
    }
    frames.closeCalls();
    closeQuietly();
  }

  void closeQuietly() {
    try {
      socket.close();
    } catch (IOException e) {
      // closed already
    }
  }
}
