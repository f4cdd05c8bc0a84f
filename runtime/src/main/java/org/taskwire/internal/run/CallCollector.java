package org.taskwire.internal.run;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.CallEvent;
import org.taskwire.internal.backend.ResultSink;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.codec.CodecException;
import org.taskwire.internal.journal.RunJournal;
import org.taskwire.spi.WorkDefinition;

/**
 * Receives the events backends report and completes the matching calls: each call once, whatever
 * the arrival order, ignoring duplicates and stale attempts. It alone owns attempts: a failed or
 * lost attempt is retried here, for every backend, while attempts remain and the failure's kind
 * says another attempt may succeed.
 */
public final class CallCollector implements ResultSink {
  private static final Logger LOG = LoggerFactory.getLogger(CallCollector.class);

  private final String runId;
  private final RunJournal journal;
  private volatile SharedResults shared;
  private final Map<Long, PendingCall> pending = new ConcurrentHashMap<>();
  private volatile Backend backend;
  /** Null unless the run's files are registered in Rucio. */
  private volatile org.taskwire.internal.data.rucio.DatasetRegistrar registrar;

  public CallCollector(String runId) {
    this(runId, RunJournal.OFF);
  }

  /** A collector that records each call's submissions and outcome in the run's journal. */
  public CallCollector(String runId, RunJournal journal) {
    this.runId = runId;
    this.journal = journal;
  }

  /** Shares the results of calls that ask for it ({@link PendingCall#shareAs}). */
  public void share(SharedResults results) {
    this.shared = results;
  }

  /** Registers the files of each call's result before the result is handed on. */
  public void registerFiles(org.taskwire.internal.data.rucio.DatasetRegistrar registrar) {
    this.registrar = registrar;
  }

  public void attach(Backend backend) {
    this.backend = backend;
  }

  public void track(PendingCall call) {
    pending.put(call.firstAttempt.callId(), call);
  }

  public int outstanding() {
    return pending.size();
  }

  @Override
  public boolean report(CallEvent event) {
    PendingCall call = pending.get(event.callId());
    if (call == null) {
      LOG.debug("dropping {} for call {}, which is no longer outstanding", name(event), event.callId());
      return false;
    }
    synchronized (call) {
      if (call.state == PendingCall.State.DONE || event.attempt() < call.attempt) {
        LOG.debug("dropping a duplicate or stale {} for call {} attempt {}", name(event), event.callId(), event.attempt());
        return call.state != PendingCall.State.DONE;
      }
      if (event.attempt() > call.attempt) {
        // The backend started a later attempt on its own (PanDA's retry job): follow it.
        call.progress.retried.addAndGet(event.attempt() - call.attempt);
        call.attempt = event.attempt();
      }
      if (event instanceof CallEvent.Submitted submitted) {
        journal.submitted(submitted.callId(), submitted.attempt(), submitted.handle());
      } else if (event instanceof CallEvent.Started started) {
        call.where = started.where();
        call.startedAt = System.currentTimeMillis();
        if (call.state == PendingCall.State.QUEUED) {
          call.state = PendingCall.State.RUNNING;
          call.progress.running.incrementAndGet();
        }
        LOG.debug("{} call {} attempt {} started: {}", call.task.work().name(), call.callId(), call.attempt, call.where);
      } else if (event instanceof CallEvent.Succeeded succeeded) {
        succeed(call, succeeded.result());
      } else if (event instanceof CallEvent.Failed failed) {
        failOrRetry(call, FailureTable.classify(failed.failure()),
            failed.failure().cause() == org.taskwire.internal.backend.Cause.Seen.REPORTED ? "failed" : "was lost");
      }
      return call.state != PendingCall.State.DONE && call.attempt > event.attempt();
    }
  }

  private static String name(CallEvent event) {
    return event.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
  }

  /** Completes a call with its value. Caller holds the call's monitor. */
  private void succeed(PendingCall call, ResultEnvelope result) {
    if (!runId.equals(result.runId())) {
      LOG.warn("dropping a result for run {} (this run is {})", result.runId(), runId);
      return;
    }
    leaveRunning(call);
    WorkDefinition<?, ?> work = call.task.work();
    Object value;
    try {
      value = decode(call, work, result.output());
    } catch (CodecException e) {
      finish(call, RemoteError.of(FailureKind.RESULT_NOT_DECODABLE, e.getMessage()));
      return;
    }
    call.state = PendingCall.State.DONE;
    pending.remove(call.callId());
    java.util.List<org.taskwire.DataFile> files = work.travellingTypes().contains(org.taskwire.DataFile.class)
        ? org.taskwire.internal.data.CallFiles.filesIn(value) : java.util.List.of();
    // The worker's times where it sent them; the client's otherwise.
    long startedAt = result.startedAt() > 0 ? result.startedAt() : call.startedAt;
    long finishedAt = result.finishedAt() > 0 ? result.finishedAt() : System.currentTimeMillis();
    journal.succeeded(call.callId(), call.attempt, call.codec.name(), result.output(),
        files.isEmpty() ? null : keptFiles(files), startedAt, finishedAt);
    SharedResults results = shared;
    if (results != null && call.sharedKey != null) {
      results.put(call.sharedKey, call.codec.name(), result.output());
    }
    handOn(call, value, files);
  }

  private static java.util.List<org.taskwire.internal.journal.JournalRecord.KeptFile> keptFiles(
      java.util.List<org.taskwire.DataFile> files) {
    return files.stream()
        .map(f -> new org.taskwire.internal.journal.JournalRecord.KeptFile(f.name(), f.size(), f.adler32(), f.uri()))
        .toList();
  }

  /**
   * Names the dataset the call's files go to, when the run registers files in Rucio.
   *
   * @return null, or why the call's arguments name no dataset of their own (then it must not run)
   */
  public String nameDataset(PendingCall call, Record arguments) {
    var r = registrar;
    if (r == null || !call.task.work().travellingTypes().contains(org.taskwire.DataFile.class)) {
      return null;
    }
    try {
      call.dataset = r.dataset(call.task.work(), arguments);
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /** Fails a call before it runs. */
  public void reject(PendingCall call, FailureKind kind, String why) {
    synchronized (call) {
      finish(call, RemoteError.of(kind, why));
    }
  }

  /**
   * Completes the call's future with its value, once the files in it are registered where the run
   * registers them; a call whose files Rucio did not take fails with Rucio's answer (its result
   * stays in the journal, and a resumed run registers them again).
   */
  private void handOn(PendingCall call, Object value, java.util.List<org.taskwire.DataFile> files) {
    var r = registrar;
    if (r == null || !call.task.work().travellingTypes().contains(org.taskwire.DataFile.class)) {
      call.progress.succeeded.incrementAndGet();
      call.future.complete(value);
      return;
    }
    r.register(call.task.work().name(), call.dataset, files, () -> {
      call.progress.succeeded.incrementAndGet();
      call.future.complete(value);
    }, why -> {
      call.progress.failed.incrementAndGet();
      call.future.completeExceptionally(toException(call, RemoteError.of(FailureKind.BACKEND, why)));
    });
  }

  /**
   * The one place where a failed attempt is retried or ends the call: retried while attempts
   * remain and its kind, from the {@link FailureTable}, says another attempt may succeed. Caller
   * holds the call's monitor.
   */
  private void failOrRetry(PendingCall call, RemoteError error, String what) {
    leaveRunning(call);
    if (!error.kind().retryable() || call.attempt >= call.maxAttempts) {
      finish(call, error);
      return;
    }
    int failedAttempt = call.attempt;
    call.attempt++;
    call.state = PendingCall.State.QUEUED;
    call.progress.retried.incrementAndGet();
    LOG.info("{} call {} {} on attempt {} of {}{} ({}: {}); retrying", call.task.work().name(), call.callId(), what,
        failedAttempt, call.maxAttempts, call.where == null ? "" : " at " + call.where, error.kind(),
        firstLine(error));
    call.where = null;
    backend.submit(call.task.withOnly(call.firstAttempt.withAttempt(call.attempt)));
  }

  /** Takes the call off the running count, once. Caller holds the call's monitor. */
  private static void leaveRunning(PendingCall call) {
    if (call.state == PendingCall.State.RUNNING) {
      call.progress.running.decrementAndGet();
      call.state = PendingCall.State.QUEUED;
    }
  }

  /**
   * Completes a call with the result an earlier client of this run recorded, without running it.
   *
   * @return false if the recorded result no longer decodes (the call must run again)
   */
  public boolean completeFromJournal(PendingCall call, byte[] output) {
    Object value;
    try {
      value = decode(call, call.task.work(), output);
    } catch (CodecException e) {
      LOG.warn("the recorded result of {} call {} no longer decodes ({}); running it again", call.task.work().name(),
          call.callId(), e.getMessage());
      return false;
    }
    java.util.List<org.taskwire.DataFile> files = java.util.List.of();
    if (call.task.work().travellingTypes().contains(org.taskwire.DataFile.class)) {
      files = org.taskwire.internal.data.CallFiles.filesIn(value);
      String gone = org.taskwire.internal.data.CallFiles.missing(value);
      if (gone != null) {
        LOG.info("{} call {} ran before, but {}; running it again", call.task.work().name(), call.callId(), gone);
        return false;
      }
    }
    synchronized (call) {
      call.state = PendingCall.State.DONE;
    }
    handOn(call, value, files);
    return true;
  }

  /** Whether this attempt of the call (or a later one) still waits for its outcome; for tests and the run, not backends. */
  public boolean awaiting(long callId, int attempt) {
    PendingCall call = pending.get(callId);
    if (call == null) {
      return false;
    }
    synchronized (call) {
      return call.state != PendingCall.State.DONE && attempt >= call.attempt;
    }
  }

  private static Object decode(PendingCall call, WorkDefinition<?, ?> work, byte[] output) {
    Object value = call.codec.decodeResult(work, output);
    Class<?> expected = work.resultType().rawType();
    if (value != null && !expected.isInstance(value)) {
      throw new CodecException("result type mismatch: " + work.name() + " declares " + work.resultType()
          + " but the worker sent a " + value.getClass().getName()
          + "; are client and worker running the same version of the code?", null);
    }
    return value;
  }

  /** Completes a call exceptionally for good. Caller holds the call's monitor. */
  private void finish(PendingCall call, RemoteError error) {
    end(call, error);
    call.future.completeExceptionally(toException(call, error));
  }

  /**
   * Ends a call for good without a value: no longer outstanding nor running, journaled (unless the
   * run closed on it), counted failed, and its work's dataset left open. Caller holds the call's
   * monitor, and completes its future.
   */
  private void end(PendingCall call, RemoteError error) {
    leaveRunning(call);
    call.state = PendingCall.State.DONE;
    pending.remove(call.firstAttempt.callId());
    if (error.kind() != FailureKind.RUN_CLOSED) {
      // A call the run closed on has no outcome of its own: a resumed run takes it up again.
      journal.failed(call.callId(), call.attempt, error, call.startedAt);
    }
    call.progress.failed.incrementAndGet();
    var r = registrar;
    if (r != null) {
      r.workIncomplete(call.task.work().name());
    }
  }

  private static WorkFailedException toException(PendingCall call, RemoteError error) {
    return new WorkFailedException(call.task.work().name(), error.kind(), error.className(), error.message(),
        error.stackTrace(), call.attempt, call.maxAttempts, error.logLocation(), error.backendDetail());
  }

  private static String firstLine(RemoteError error) {
    String m = error.message() == null ? "" : error.message();
    return m.lines().findFirst().orElse("");
  }

  /**
   * Cancels a call from outside the client (the dashboard): its future is cancelled as its caller's
   * {@code cancel} would, so that what waits on it follows, its backend stops it where it can, the
   * journal records it failed {@code CANCELLED}, and its work's dataset stays open, as for any call
   * that ended without a value. False if the call is not outstanding.
   */
  public boolean cancelFromOutside(long callId, String why) {
    PendingCall call = pending.get(callId);
    if (call == null) {
      return false;
    }
    synchronized (call) {
      if (call.state == PendingCall.State.DONE) {
        return false;
      }
      end(call, RemoteError.of(FailureKind.CANCELLED, why));
    }
    call.future.cancel(false);
    Backend b = backend;
    if (b != null) {
      b.cancel(callId);
    }
    return true;
  }

  /** Forgets a cancelled call. */
  public void cancel(long callId) {
    pending.remove(callId);
    Backend b = backend;
    if (b != null) {
      b.cancel(callId);
    }
  }

  /** Fails every outstanding call: the run is closing ({@code RUN_CLOSED}), or a thread it needed died. */
  public void failAll(FailureKind kind, String why) {
    for (PendingCall call : pending.values()) {
      synchronized (call) {
        if (call.state != PendingCall.State.DONE) {
          finish(call, RemoteError.of(kind, why));
        }
      }
    }
  }
}
