package org.taskwire.internal.backend.serve;

import java.io.IOException;
import java.util.List;
import org.taskwire.internal.call.CallEnvelope;

/** A serving worker reached through {@link WorkerFrames}: what differs is how it is started, named and ended. */
public abstract class FramedWorker implements ServingWorker {
  protected final WorkerFrames frames;

  protected FramedWorker(WorkerFrames frames) {
    this.frames = frames;
  }

  @Override
  public void send(List<CallEnvelope> calls) throws IOException {
    frames.send(calls);
  }

  @Override
  public org.taskwire.internal.call.ResultEnvelope receive(java.util.function.LongConsumer onStarted) throws IOException {
    return frames.receive(onStarted);
  }

  @Override
  public long lastStarted() {
    return frames.lastStarted();
  }
}
