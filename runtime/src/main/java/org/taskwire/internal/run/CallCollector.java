package org.taskwire.internal.run;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.taskwire.FailureKind;
import org.taskwire.WorkFailedException;
import org.taskwire.internal.backend.Backend;
import org.taskwire.internal.backend.ResultSink;
import org.taskwire.internal.call.RemoteError;
import org.taskwire.internal.call.ResultEnvelope;
import org.taskwire.internal.codec.CodecException;
import org.taskwire.spi.WorkDefinition;

/**
 * Receives what backends report and completes the matching calls: each call once, whatever the
 * arrival order, ignoring duplicates and stale attempts, retrying retryable failures until the
 * call's attempts run out.
 */
public final class CallCollector implements ResultSink {
  private static final Logger LOG = LoggerFactory.getLogger(CallCollector.class);

  private final String runId;
  private final Map<Long, PendingCall> pending = new ConcurrentHashMap<>();
  private volatile Backend backend;

  public CallCollector(String runId) {
    this.runId = runId;
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
  public void started(long callId, int attempt) {
    PendingCall call = pending.get(callId);
    if (call == null) {
      return;
    }
    synchronized (call) {
      if (call.state == PendingCall.State.QUEUED && call.attempt == attempt) {
        call.state = PendingCall.State.RUNNING;
        call.progress.running.incrementAndGet();
      }
    }
  }

  @Override
  public boolean awaiting(long callId, int attempt) {
    PendingCall call = pending.get(callId);
    if (call == null) {
      return false;
    }
    synchronized (call) {
      return call.state != PendingCall.State.DONE && matches(call, attempt);
    }
  }

  @Override
  public void completed(ResultEnvelope result) {
    if (!runId.equals(result.runId())) {
      LOG.warn("dropping a result for run {} (this run is {})", result.runId(), runId);
      return;
    }
    PendingCall call = pending.get(result.callId());
    if (call == null) {
      LOG.debug("dropping a result for call {}, which is no longer outstanding", result.callId());
      return;
    }
    synchronized (call) {
      if (call.state == PendingCall.State.DONE || !matches(call, result.attempt())) {
        LOG.debug("dropping a duplicate or stale result for call {} attempt {}", result.callId(), result.attempt());
        return;
      }
      if (call.state == PendingCall.State.RUNNING) {
        call.progress.running.decrementAndGet();
      }
      WorkDefinition<?, ?> work = call.task.work();
      if (result.succeeded()) {
        Object value;
        try {
          value = decode(call, work, result.output());
        } catch (CodecException e) {
          finish(call, RemoteError.of(FailureKind.RESULT_NOT_DECODABLE, e.getMessage()));
          return;
        }
        call.state = PendingCall.State.DONE;
        pending.remove(result.callId());
        call.progress.succeeded.incrementAndGet();
        call.future.complete(value);
        return;
      }
      RemoteError error = result.error();
      if (backendRetries()) {
        call.attempt = result.attempt();
        finish(call, error);
        return;
      }
      if (error.kind().retryable() && call.attempt < call.maxAttempts) {
        call.attempt++;
        call.state = PendingCall.State.QUEUED;
        call.progress.retried.incrementAndGet();
        LOG.info("{} call {} failed on attempt {} of {} ({}: {}); retrying", work.name(), result.callId(),
            result.attempt(), call.maxAttempts, error.kind(), firstLine(error));
        backend.submit(call.task.withOnly(call.firstAttempt.withAttempt(call.attempt)));
        return;
      }
      finish(call, error);
    }
  }

  private boolean backendRetries() {
    Backend b = backend;
    return b != null && b.retriesFailedCalls();
  }

  /** Whether a report about this attempt is current; a retrying backend reports its own later attempts. */
  private boolean matches(PendingCall call, int attempt) {
    return backendRetries() ? attempt >= call.attempt : attempt == call.attempt;
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
    call.state = PendingCall.State.DONE;
    pending.remove(call.firstAttempt.callId());
    call.progress.failed.incrementAndGet();
    call.future.completeExceptionally(toException(call, error));
  }

  private static WorkFailedException toException(PendingCall call, RemoteError error) {
    return new WorkFailedException(call.task.work().name(), error.kind(), error.className(), error.message(),
        error.stackTrace(), call.attempt, call.maxAttempts, error.logLocation(), error.backendDetail());
  }

  private static String firstLine(RemoteError error) {
    String m = error.message() == null ? "" : error.message();
    return m.lines().findFirst().orElse("");
  }

  /** Forgets a cancelled call. */
  public void cancel(long callId) {
    pending.remove(callId);
    Backend b = backend;
    if (b != null) {
      b.cancel(callId);
    }
  }

  /** Fails every outstanding call: the run is closing. */
  public void failAll(String why) {
    for (PendingCall call : pending.values()) {
      synchronized (call) {
        if (call.state != PendingCall.State.DONE) {
          finish(call, RemoteError.of(FailureKind.RUN_CLOSED, why));
        }
      }
    }
  }
}
